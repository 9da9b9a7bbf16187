#pragma once
// A dataset folder made ready for training: its index (MAESTRO's official split, or a plain MIDI
// folder's split: data/midi_folder.hpp) and every file's notes from the note cache, brought up to
// date. What `get-data` ends with and `train`, `eval` and `compose` start with.

#include <filesystem>
#include <string>
#include <vector>

#include "data/midi_folder.hpp"
#include "maestro/maestro_index.hpp"
#include "maestro/note_cache.hpp"

namespace mlstm {

struct DatasetReport {
  MaestroIndex index;
  bool maestro = true;  // a MAESTRO folder (its CSV); else a plain folder of MIDI files
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
// A plain folder's files are split with `split`; MAESTRO keeps its own.
DatasetReport index_dataset(const std::filesystem::path& root,
                            const std::filesystem::path& cache_root, unsigned threads,
                            bool progress, const DataSplitOptions& split = {});

}  // namespace mlstm
