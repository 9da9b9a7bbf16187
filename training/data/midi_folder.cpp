#include "data/midi_folder.hpp"

// The split CSV is read in the caller's thread: it lists a folder's files, a few KB.
#define CSV_IO_NO_THREAD
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <stdexcept>

namespace mlstm {
namespace fs = std::filesystem;
namespace {

bool is_midi_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".mid" || ext == ".midi";
}

// The splits split.csv sets, by relative path.
std::map<std::string, Split> read_split_csv(const fs::path& csv,
                                            const std::vector<std::string>& files) {
  std::map<std::string, Split> out;
  try {
    io::CSVReader<2, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>> in(csv.string());
    in.read_header(io::ignore_extra_column, "midi_filename", "split");
    std::string name, split;
    while (in.read_row(name, split)) {
      const std::string line = std::to_string(in.get_file_line());
      const auto s = parse_split(split);
      if (!s) {
        throw std::runtime_error(csv.string() + ": line " + line + ": unknown split '" + split +
                                 "' (expected train, validation or test)");
      }
      const std::string rel = fs::path(name).lexically_normal().generic_string();
      if (!std::binary_search(files.begin(), files.end(), rel)) {
        throw std::runtime_error(csv.string() + ": line " + line + ": '" + name +
                                 "' is not a MIDI file in the folder");
      }
      out[rel] = *s;
    }
  } catch (const io::error::base& e) {
    throw std::runtime_error(csv.string() + ": " + e.what() +
                             " (expected a header midi_filename,split and one row a file)");
  }
  return out;
}

}  // namespace

void check_split_options(const DataSplitOptions& o) {
  const auto in_range = [](double f) { return f >= 0.0 && f <= 0.5; };
  if (!in_range(o.valid_fraction) || !in_range(o.test_fraction)) {
    throw std::runtime_error("the validation and test fractions must each be 0 to 0.5");
  }
}

double split_position(const std::string& relative_path) {
  // FNV-1a: stable across machines and builds (std::hash is not).
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : relative_path) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
}

bool has_maestro_csv(const fs::path& root) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("maestro-v") && name.ends_with(".csv")) return true;
  }
  return false;
}

MaestroIndex load_midi_folder_index(const fs::path& root, const DataSplitOptions& options) {
  check_split_options(options);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw std::runtime_error("no dataset folder " + root.string() +
                             "; pass a MAESTRO folder (music-lstm get-data) or a folder of MIDI "
                             "files");
  }
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(
           root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && is_midi_file(it->path())) {
      files.push_back(it->path().lexically_relative(root).generic_string());
    }
  }
  if (ec) throw std::runtime_error("cannot list " + root.string() + ": " + ec.message());
  if (files.empty()) {
    throw std::runtime_error("no MIDI files (.mid, .midi) in " + root.string() +
                             " or its subfolders; pass a MAESTRO folder or a folder of MIDI files");
  }
  std::sort(files.begin(), files.end());

  MaestroIndex index;
  index.root = root;
  std::map<std::string, Split> chosen;
  if (fs::is_regular_file(root / kSplitCsvName, ec)) {
    index.csv = root / kSplitCsvName;
    chosen = read_split_csv(index.csv, files);
  }
  for (const std::string& rel : files) {
    Performance p;
    p.midi_filename = rel;
    const fs::path path(rel);
    p.title = path.stem().string();
    // The first folder of the path names the collection (a composer, a player, a session).
    if (std::distance(path.begin(), path.end()) > 1) p.composer = path.begin()->string();
    if (const auto it = chosen.find(rel); it != chosen.end()) {
      p.split = it->second;
    } else {
      const double u = split_position(rel);
      p.split = u < options.valid_fraction                           ? Split::kValidation
                : u < options.valid_fraction + options.test_fraction ? Split::kTest
                                                                     : Split::kTrain;
    }
    index.performances.push_back(p);
  }
  // A small folder may hash no file into validation; training needs one to stop early on.
  if (options.valid_fraction > 0.0 && index.count(Split::kValidation) == 0 &&
      index.count(Split::kTrain) >= 2) {
    Performance* nearest = nullptr;
    double best = std::numeric_limits<double>::infinity();
    for (Performance& p : index.performances) {
      if (p.split != Split::kTrain || chosen.contains(p.midi_filename)) continue;
      if (const double u = split_position(p.midi_filename); u < best) {
        best = u;
        nearest = &p;
      }
    }
    if (nearest) nearest->split = Split::kValidation;
  }
  return index;
}

MaestroIndex load_dataset_index(const fs::path& root, const DataSplitOptions& options) {
  return has_maestro_csv(root) ? load_maestro_index(root) : load_midi_folder_index(root, options);
}

}  // namespace mlstm
