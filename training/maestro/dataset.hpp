#pragma once
// A MAESTRO folder made ready for training: its index (with the official split) and every file's
// notes from the note cache, brought up to date. What `get-data` ends with and `train` starts with.

#include <filesystem>
#include <string>
#include <vector>

#include "maestro/maestro_index.hpp"
#include "maestro/note_cache.hpp"

namespace mlstm {

struct DatasetReport {
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

// Indexes a dataset folder (writing index.json to its cache folder) and brings its note cache up
// to date. Throws std::runtime_error naming `music-lstm get-data` when there is no dataset.
DatasetReport index_dataset(const std::filesystem::path& root,
                            const std::filesystem::path& cache_root, unsigned threads,
                            bool progress);

}  // namespace mlstm
