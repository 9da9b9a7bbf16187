#include "decode/search_knobs.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "decode/figure_recall.hpp"
#include "decode/onset_limits.hpp"
#include "decode/register_keep.hpp"

namespace mlstm {

const std::vector<SearchKnob>& search_knobs() {
  // Captureless lambdas as plain function pointers: one accessor pair per field.
  static const std::vector<SearchKnob> table = {
      {"width", "the beam width", 1, 32, true, "",
       "Beams the search keeps: wider finds likelier answers and takes longer",
       [](const SearchSettings& s) -> double { return s.width; },
       [](SearchSettings& s, double v) { s.width = static_cast<int>(v); }},
      {"temperature", "the temperature", 0.01, 4.0, false, "",
       "Divides the model's logits: higher is wilder, lower keeps to its likeliest notes",
       [](const SearchSettings& s) { return s.temperature; },
       [](SearchSettings& s, double v) { s.temperature = v; }},
      {"repetition", "the repetition penalty", 0.0, 10.0, false, "nats",
       "Off a pitch for each time it sounded in the last 16 notes: keeps answers from looping on "
       "two notes",
       [](const SearchSettings& s) { return s.repetition_penalty; },
       [](SearchSettings& s, double v) { s.repetition_penalty = v; }},
      {"timing-temperature", "the timing temperature", 0.01, 4.0, false, "",
       "Multiplies the temperature for each note's step and duration: below 1 keeps nearer the "
       "model's likeliest timing, above 1 loosens it",
       [](const SearchSettings& s) { return s.timing_temperature; },
       [](SearchSettings& s, double v) { s.timing_temperature = v; }},
      {"cluster", "the most notes together", 1, kMaxPlayableCluster, true, "notes",
       "The most notes an answer may start together (within 30 ms): what two hands can play",
       [](const SearchSettings& s) -> double { return s.max_cluster; },
       [](SearchSettings& s, double v) { s.max_cluster = static_cast<int>(v); }},
      {"pace", "the pace limit", kMinPaceLimit, kMaxPaceLimit, false, "notes a second",
       "Notes a second no answer goes past, after a first chord",
       [](const SearchSettings& s) { return s.max_pace; },
       [](SearchSettings& s, double v) { s.max_pace = v; }},
      {"pace-ratio", "the pace ratio", 0.0, kMaxPaceRatio, false, "times the player's",
       "Each answer's pace stays within this many times the player's phrase's, and so does every "
       "part of a continuous chain from it (0: off)",
       [](const SearchSettings& s) { return s.pace_ratio; },
       [](SearchSettings& s, double v) { s.pace_ratio = v; }},
      {"recall", "figure recall", 0.0, kMaxRecall, false, "nats",
       "Toward the note that completed a figure whose first three notes were just played again, "
       "the player's or the answer's: answers play figures again (0: off)",
       [](const SearchSettings& s) { return s.recall; },
       [](SearchSettings& s, double v) { s.recall = v; }},
      {"register-keep", "keeping to the register", 0.0, kMaxRegisterKeep, false, "nats a semitone",
       "Of the answers the search found, the one whose register stays near the player's phrase "
       "and drifts least (0: the likeliest)",
       [](const SearchSettings& s) { return s.register_keep; },
       [](SearchSettings& s, double v) { s.register_keep = v; }},
      {"top-k", "top-k", 0, 128, true, "classes",
       "Sampling: draw from the k likeliest classes of each head (0: all)",
       [](const SearchSettings& s) -> double { return s.top_k; },
       [](SearchSettings& s, double v) { s.top_k = static_cast<int>(v); }},
      {"top-p", "top-p", 0.001, 1.0, false, "",
       "Sampling: draw from the likeliest classes whose probabilities add up to p (1: all)",
       [](const SearchSettings& s) { return s.top_p; },
       [](SearchSettings& s, double v) { s.top_p = v; }},
      {"loop-ngram", "the loop n-gram", 0, 8, true, "notes",
       "Nats (--loop-penalty) off the pitch that would repeat a pitch figure of this many notes "
       "heard in the last 16 (2 to 8; 0: off)",
       [](const SearchSettings& s) -> double { return s.loop_ngram; },
       [](SearchSettings& s, double v) { s.loop_ngram = static_cast<int>(v); }},
      {"loop-penalty", "the loop penalty", 0.0, 20.0, false, "nats",
       "Off the pitch that would repeat a pitch figure of --loop-ngram notes, per time it was "
       "heard",
       [](const SearchSettings& s) { return s.loop_penalty; },
       [](SearchSettings& s, double v) { s.loop_penalty = v; }},
      {"figure-penalty", "the figure penalty", 0.0, 20.0, false, "nats",
       "Off the pitch that would repeat a figure of three intervals heard in the last 16 notes, "
       "in any transposition, per time it was heard",
       [](const SearchSettings& s) { return s.figure_penalty; },
       [](SearchSettings& s, double v) { s.figure_penalty = v; }},
      {"repetition-window", "the repetition window", 1, 256, true, "notes",
       "How far back every repetition rule looks",
       [](const SearchSettings& s) -> double { return s.repetition_window; },
       [](SearchSettings& s, double v) { s.repetition_window = static_cast<int>(v); }},
  };
  return table;
}

const SearchKnob& search_knob(std::string_view id) {
  for (const SearchKnob& k : search_knobs()) {
    if (id == k.id) return k;
  }
  throw std::out_of_range("no search knob named '" + std::string(id) + "'");
}

std::string knob_number_text(double v) {
  // std::to_chars: the shortest text that reads back exactly, never "0.850000".
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return ec == std::errc() ? std::string(buffer, ptr) : std::to_string(v);
}

std::string range_text(const SearchKnob& k) {
  std::string text = knob_number_text(k.lo) + " to " + knob_number_text(k.hi);
  if (*k.unit != '\0') text += std::string(" ") + k.unit;
  return text;
}

std::string search_knob_error(const SearchKnob& k, double v) {
  const bool whole = !k.whole || v == std::floor(v);
  if (std::isfinite(v) && v >= k.lo && v <= k.hi && whole) return {};
  return std::string(k.what) + " must be " + (k.whole ? "a whole number from " : "") +
         range_text(k);
}

}  // namespace mlstm
