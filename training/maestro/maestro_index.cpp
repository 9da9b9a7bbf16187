#include "maestro/maestro_index.hpp"

// The CSV reader runs in the caller's thread: the file is 200 KB. Its strncpy of the file name
// trips a middle-end warning after inlining, which a system header does not silence.
#define CSV_IO_NO_THREAD
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/atomic_file.hpp"

namespace mlstm {

const char* split_name(Split s) {
  switch (s) {
    case Split::kTrain:
      return "train";
    case Split::kValidation:
      return "validation";
    case Split::kTest:
      return "test";
  }
  return "?";
}

std::optional<Split> parse_split(const std::string& name) {
  for (Split s : kAllSplits) {
    if (name == split_name(s)) return s;
  }
  return std::nullopt;
}

std::size_t MaestroIndex::count(Split s) const {
  std::size_t n = 0;
  for (const auto& p : performances) n += p.split == s;
  return n;
}

std::vector<const Performance*> MaestroIndex::of_split(Split s) const {
  std::vector<const Performance*> out;
  for (const auto& p : performances) {
    if (p.split == s) out.push_back(&p);
  }
  return out;
}

std::filesystem::path find_maestro_csv(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw std::runtime_error("no dataset folder " + root.string() +
                             "; get MAESTRO with `music-lstm get-data` and pass its folder");
  }
  if (fs::exists(root / "maestro-v3.0.0.csv")) return root / "maestro-v3.0.0.csv";
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("maestro-v") && name.ends_with(".csv")) found.push_back(e.path());
  }
  if (found.size() == 1) return found.front();
  throw std::runtime_error(
      root.string() +
      (found.empty() ? " holds no maestro-v*.csv" : " holds several maestro-v*.csv") +
      "; get MAESTRO with `music-lstm get-data --dest " + root.string() + "`");
}

MaestroIndex load_maestro_index(const std::filesystem::path& root) {
  MaestroIndex index;
  index.root = root;
  index.csv = find_maestro_csv(root);
  try {
    io::CSVReader<7, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>> in(
        index.csv.string());
    in.read_header(io::ignore_extra_column, "canonical_composer", "canonical_title", "split",
                   "year", "midi_filename", "audio_filename", "duration");
    Performance p;
    std::string split, audio;
    while (in.read_row(p.composer, p.title, split, p.year, p.midi_filename, audio, p.duration)) {
      const auto line = std::to_string(in.get_file_line());
      const auto s = parse_split(split);
      if (!s) {
        throw std::runtime_error(index.csv.string() + ": line " + line + ": unknown split '" +
                                 split + "' (expected train, validation or test)");
      }
      p.split = *s;
      const std::filesystem::path rel(p.midi_filename);
      bool escapes = rel.empty() || rel.is_absolute();
      for (const auto& part : rel) escapes = escapes || part == "..";
      if (escapes) {
        throw std::runtime_error(index.csv.string() + ": line " + line + ": midi_filename '" +
                                 p.midi_filename + "' is not a path inside the dataset");
      }
      index.performances.push_back(p);
    }
  } catch (const io::error::base& e) {
    throw std::runtime_error(std::string("malformed MAESTRO CSV: ") + e.what());
  }
  if (index.performances.empty()) {
    throw std::runtime_error(index.csv.string() + ": no performances listed");
  }
  return index;
}

std::vector<const Performance*> missing_files(const MaestroIndex& index) {
  std::vector<const Performance*> out;
  std::error_code ec;
  for (const auto& p : index.performances) {
    if (!std::filesystem::is_regular_file(index.midi_path(p), ec)) out.push_back(&p);
  }
  return out;
}

void write_index_json(const MaestroIndex& index, const std::filesystem::path& path) {
  nlohmann::json j;
  j["root"] = std::filesystem::absolute(index.root).string();
  j["csv"] = index.csv.filename().string();
  for (Split s : kAllSplits) j["counts"][split_name(s)] = index.count(s);
  auto& rows = j["performances"] = nlohmann::json::array();
  for (const auto& p : index.performances) {
    rows.push_back({{"composer", p.composer},
                    {"title", p.title},
                    {"split", split_name(p.split)},
                    {"year", p.year},
                    {"midi_filename", p.midi_filename},
                    {"duration", p.duration}});
  }
  // Replace invalid UTF-8 rather than throw: titles come from a CSV we do not control.
  write_file_atomically(path,
                        j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace mlstm
