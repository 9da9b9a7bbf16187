#pragma once
// `music-lstm get-data`: puts MAESTRO v3.0.0 in a folder (downloaded, or from a local zip or
// folder), checks the CSV against the files, and builds the index and the note cache.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "maestro/dataset.hpp"
#include "maestro/http_download.hpp"

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
  DataSplitOptions split;            // --from a plain folder of MIDI files: its split
  bool progress = true;
};

// Throws std::runtime_error (or DownloadError, ZipError) with one line when it cannot go on.
DatasetReport get_maestro(const GetDataOptions& options);

}  // namespace mlstm
