#pragma once
// What `train`, `eval`, `compose` and `get-data` share about a dataset folder that is not MAESTRO:
// the shares of its files that go to validation and test, and which notes of each file count.

#include <CLI/CLI.hpp>

#include "data/midi_folder.hpp"
#include "data/note_selection.hpp"

namespace mlstm::app {

// Adds --valid-fraction and --test-fraction, which write into `split`.
void add_split_options(CLI::App* cmd, DataSplitOptions& split);
// Adds --tracks and --drums, which write into `selection`.
void add_selection_options(CLI::App* cmd, NoteSelection& selection);

}  // namespace mlstm::app
