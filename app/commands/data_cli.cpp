#include "commands/data_cli.hpp"

namespace mlstm::app {

void add_split_options(CLI::App* cmd, DataSplitOptions& split) {
  cmd->add_option("--valid-fraction", split.valid_fraction,
                  "A folder of MIDI files (not MAESTRO): the share of its files for validation, "
                  "by a hash of each path (split.csv in the folder overrides it file by file)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--test-fraction", split.test_fraction,
                  "A folder of MIDI files: the share of its files for test (use the same fractions "
                  "for train, eval and compose)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
}

void add_selection_options(CLI::App* cmd, NoteSelection& selection) {
  cmd->add_option("--tracks", selection.tracks,
                  "Which tracks of each file to learn from: auto (every track; of the jam's "
                  "recordings, the player's), all, or track names separated by commas")
      ->capture_default_str();
  cmd->add_flag("--drums", selection.drums,
                "Keep the notes of the drum channel (10) too; by default they are left out");
}

}  // namespace mlstm::app
