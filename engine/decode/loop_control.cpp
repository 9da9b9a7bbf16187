#include "decode/loop_control.hpp"

#include "decode/figure_match.hpp"

namespace mlstm {

void penalise_repeated_figures(std::span<const int> recent, const SearchSettings& s,
                               float* pitch_log_probs) {
  const auto n = static_cast<int>(recent.size());
  const auto at = [&](int i) { return recent[static_cast<std::size_t>(i)]; };
  if (s.loop_ngram >= 2 && s.loop_penalty > 0.0) {
    // Every earlier place where the last n-1 pitches occurred: the pitch that came next there.
    const auto penalty = static_cast<float>(s.loop_penalty);
    for_each_continuation(recent, s.loop_ngram - 1,
                          [&](int pitch) { pitch_log_probs[pitch] -= penalty; });
  }
  if (s.figure_penalty > 0.0 && n >= 4) {
    // Every earlier place where the last two intervals occurred: the interval that came next
    // there, from the last pitch.
    const int first = at(n - 2) - at(n - 3), second = at(n - 1) - at(n - 2);
    const auto penalty = static_cast<float>(s.figure_penalty);
    for (int i = 0; i + 3 < n; ++i) {
      if (at(i + 1) - at(i) != first || at(i + 2) - at(i + 1) != second) continue;
      const int pitch = at(n - 1) + at(i + 3) - at(i + 2);
      if (pitch >= 0 && pitch < 128) pitch_log_probs[pitch] -= penalty;
    }
  }
}

}  // namespace mlstm
