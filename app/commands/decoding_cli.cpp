#include "commands/decoding_cli.hpp"

#include "decode/figure_recall.hpp"
#include "decode/register_keep.hpp"

namespace mlstm::app {

void add_repetition_options(CLI::App* cmd, SearchSettings& search) {
  const SearchSettings defaults = default_search_settings();
  search.repetition_penalty = defaults.repetition_penalty;
  search.sample_timing = defaults.sample_timing;
  search.timing_temperature = defaults.timing_temperature;
  search.pace_ratio = defaults.pace_ratio;
  search.recall = defaults.recall;
  search.register_keep = defaults.register_keep;
  cmd->add_option_function<std::string>(
         "--timing", [&search](const std::string& v) { search.sample_timing = v == "sample"; },
         "beam, stochastic-beam: sample (search the pitches, draw each note's step, duration and "
         "velocity from the model) or search (the likeliest timing too) (default: " +
             std::string(kDefaultSampleTiming ? "sample" : "search") + ")")
      ->check(CLI::IsMember({"search", "sample"}));
  cmd->add_option("--timing-temperature", search.timing_temperature,
                  "Multiplies the temperature for the step and duration: below 1 keeps nearer the "
                  "model's likeliest timing (fewer long pauses), above 1 loosens it")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 4.0));
  cmd->add_option("--repetition-penalty", search.repetition_penalty,
                  "Nats off a pitch's log-probability per time it sounded in the last notes (0: "
                  "off); keeps songs from looping on two notes")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--cluster", search.max_cluster,
                  "Most notes an answer may start together (within 30 ms): what two hands play")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxPlayableCluster));
  cmd->add_option("--pace", search.max_pace,
                  "Notes a second no answer goes past, after a first chord")
      ->capture_default_str()
      ->check(CLI::Range(kMinPaceLimit, kMaxPaceLimit));
  cmd->add_option("--pace-ratio", search.pace_ratio,
                  "Keep each answer's pace within this many times the player's phrase's (up to 8; "
                  "0: off): continuous chains then cannot speed up answer by answer")
      ->capture_default_str()
      ->check(CLI::Range(0.0, kMaxPaceRatio));
  cmd->add_option("--recall", search.recall,
                  "Nats toward the pitch that completed a figure whose first three pitches were "
                  "just played again, the player's or the answer's, in the last 48 notes (0: off)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, kMaxRecall));
  cmd->add_option("--register-keep", search.register_keep,
                  "Of the beams found, answer with the best less this many nats a semitone its "
                  "register drifts and lies from the player's phrase (0: the best-scoring)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, kMaxRegisterKeep));
  cmd->add_option("--loop-ngram", search.loop_ngram,
                  "Notes of the pitch figure whose repeat --loop-penalty costs (2 to 8; 0: off)")
      ->capture_default_str()
      ->check(CLI::Range(0, 8));
  cmd->add_option("--loop-penalty", search.loop_penalty,
                  "Nats off a pitch that would repeat a pitch figure of --loop-ngram notes, per "
                  "earlier time in the last notes (0: off)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 20.0));
  cmd->add_option("--figure-penalty", search.figure_penalty,
                  "Nats off a pitch that would repeat a figure of three intervals in any "
                  "transposition (a scale run, a sequence), per earlier time in the last notes "
                  "(0: off)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 20.0));
  cmd->add_option("--repetition-window", search.repetition_window,
                  "Notes the repetition penalty and the loop and figure penalties look back over")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
}

}  // namespace mlstm::app
