#include "maestro/get_data.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "maestro/zip_extract.hpp"
#include "progress/progress_bar.hpp"

namespace mlstm {
namespace fs = std::filesystem;
namespace {

// Copies a file unless the target already has the same size and modification time; the copy
// goes to a temporary name first, so an interrupted copy never looks complete.
bool copy_if_changed(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  const auto from_time = fs::last_write_time(from);
  if (fs::exists(to, ec) && fs::file_size(to, ec) == fs::file_size(from) &&
      fs::last_write_time(to, ec) == from_time) {
    return false;
  }
  fs::create_directories(to.parent_path());
  const fs::path tmp = to.string() + ".tmp";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
  fs::last_write_time(tmp, from_time);
  fs::rename(tmp, to);
  return true;
}

void copy_dataset_folder(const fs::path& from, const fs::path& dest, const DataSplitOptions& split,
                         bool progress) {
  // MAESTRO (its CSV and the files it lists), or a folder's MIDI files (and its split.csv).
  const MaestroIndex src = load_dataset_index(from, split);
  std::vector<fs::path> files;
  if (!src.csv.empty()) files.push_back(src.csv.filename());
  const auto json = fs::path(src.csv).replace_extension(".json");
  if (!src.csv.empty() && fs::exists(json)) files.push_back(json.filename());
  for (const auto& p : src.performances) {
    if (fs::is_regular_file(src.midi_path(p))) files.emplace_back(p.midi_filename);
  }
  std::unique_ptr<ProgressBar> bar;
  if (progress)
    bar = std::make_unique<ProgressBar>("copying", static_cast<double>(files.size()), "files");
  std::size_t copied = 0, done = 0;
  for (const auto& rel : files) {
    copied += copy_if_changed(from / rel, dest / rel);
    if (bar) bar->update(static_cast<double>(++done));
  }
  if (bar)
    bar->finish(std::to_string(copied) + " copied, " + std::to_string(files.size() - copied) +
                " up to date");
}

}  // namespace

DatasetReport get_maestro(const GetDataOptions& o) {
  if (o.dest.empty()) throw std::runtime_error("get-data needs a destination folder (--dest)");
  fs::create_directories(o.dest);
  if (o.from) {
    std::error_code ec;
    if (!fs::exists(*o.from, ec)) {
      throw std::runtime_error("--from " + o.from->string() + ": no such file or folder");
    }
    if (fs::is_directory(*o.from)) {
      if (!fs::equivalent(*o.from, o.dest, ec)) {
        copy_dataset_folder(*o.from, o.dest, o.split, o.progress);
      }
    } else {
      extract_zip(*o.from, o.dest, 8ull << 30, o.progress);
    }
  } else {
    const fs::path zip = o.dest / "maestro-v3.0.0-midi.zip";
    if (!fs::exists(zip)) download_file(o.url, zip, o.download);
    try {
      extract_zip(zip, o.dest, 8ull << 30, o.progress);
    } catch (const ZipError& e) {
      // A corrupt download is useless for resuming: remove it so the next run starts afresh.
      fs::remove(zip);
      throw ZipError(std::string(e.what()) + "; the download was removed: run get-data again");
    }
    if (!o.keep_zip) fs::remove(zip);
  }
  return index_dataset(o.dest, o.cache_root, o.threads, o.progress, o.split);
}

}  // namespace mlstm
