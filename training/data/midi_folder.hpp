#pragma once
// Any folder of MIDI files as a dataset, beside MAESTRO: every .mid and .midi file under the
// folder (subfolders too) is a performance, and its split comes from a hash of its path inside the
// folder, so that a file keeps its split when others are added or removed (a file never moves from
// test to train between two runs). A `split.csv` in the folder (columns midi_filename,split) sets
// the split of the files it lists; the others are hashed.

#include <filesystem>
#include <string>

#include "maestro/maestro_index.hpp"

namespace mlstm {

// The shares of a plain folder's files that go to validation and to test (the rest: train).
struct DataSplitOptions {
  double valid_fraction = 0.1;
  double test_fraction = 0.1;
};

// Throws std::runtime_error when a fraction is outside 0..0.5 or they leave no train share.
void check_split_options(const DataSplitOptions& o);

// The file a folder's user writes to choose splits by hand.
inline constexpr const char* kSplitCsvName = "split.csv";

// Where in [0, 1) a path inside a folder falls: FNV-1a of its generic form ("a/b.mid"). Below
// valid_fraction: validation; below valid + test: test; else train.
double split_position(const std::string& relative_path);

// Whether `root` holds a MAESTRO CSV (maestro-v*.csv).
bool has_maestro_csv(const std::filesystem::path& root);

// The folder's MIDI files as an index. When the hash leaves validation empty and at least two
// files train, the train file nearest the validation share moves there (training needs one).
// Throws std::runtime_error (one line) for a missing folder, a folder without MIDI files, or a
// bad split.csv (naming its line).
MaestroIndex load_midi_folder_index(const std::filesystem::path& root,
                                    const DataSplitOptions& options);

// MAESTRO when the folder has its CSV, else the folder's MIDI files.
MaestroIndex load_dataset_index(const std::filesystem::path& root, const DataSplitOptions& options);

}  // namespace mlstm
