#include "commands/decoding_cli.hpp"

namespace mlstm::app {

void add_repetition_options(CLI::App* cmd, SearchSettings& search) {
  search.repetition_penalty = kDefaultRepetitionPenalty;
  cmd->add_flag("--sample-timing", search.sample_timing,
                "beam, stochastic-beam: search the pitches, draw each note's step, duration and "
                "velocity from the model's distribution");
  cmd->add_option("--repetition-penalty", search.repetition_penalty,
                  "Nats off a pitch's log-probability per time it sounded in the last notes (0: "
                  "off); keeps songs from looping on two notes")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--repetition-window", search.repetition_window,
                  "Notes the repetition penalty looks back over")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
}

}  // namespace mlstm::app
