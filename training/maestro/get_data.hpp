#pragma once
// `music-lstm get-data`: puts MAESTRO v3.0.0 in a folder (downloaded, or from a local zip or
// folder), checks the CSV against the files, and builds the index and the note cache.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "maestro/http_download.hpp"
#include "maestro/maestro_index.hpp"
#include "maestro/note_cache.hpp"

namespace mlstm {

inline constexpr const char* kMaestroMidiUrl =
    "https://storage.googleapis.com/magentadata/datasets/maestro/v3.0.0/maestro-v3.0.0-midi.zip";

struct GetDataOptions {
  std::filesystem::path dest;                 // the dataset root to fill
  std::optional<std::filesystem::path> from;  // a local zip or unpacked folder instead of the URL
  std::string url = kMaestroMidiUrl;
  bool keep_zip = false;  // keep the downloaded zip after unpacking
  DownloadOptions download;
  std::filesystem::path cache_root;  // empty: default_cache_root()
  unsigned threads = 0;              // parsing threads; 0: all cores
  bool progress = true;
};

struct GetDataReport {
  MaestroIndex index;
  std::filesystem::path cache_dir;
  NoteCache notes;  // every file's notes, and what the cache update did (notes.stats)
  std::vector<std::string> missing;   // CSV rows whose MIDI file is not there
  std::vector<std::string> corrupt;   // parse errors, one line each
  std::size_t usable[3] = {0, 0, 0};  // performances per split that training can use
};

// The default dataset folder: $XDG_DATA_HOME/music-lstm/maestro-v3.0.0, else
// ~/.local/share/music-lstm/maestro-v3.0.0.
std::filesystem::path default_data_dir();

// Throws std::runtime_error (or DownloadError, ZipError) with one line when it cannot go on.
GetDataReport get_maestro(const GetDataOptions& options);

// Indexes a dataset folder and brings its note cache up to date (what get-data ends with, and
// what training starts with).
GetDataReport index_dataset(const std::filesystem::path& root,
                            const std::filesystem::path& cache_root, unsigned threads,
                            bool progress);

}  // namespace mlstm
