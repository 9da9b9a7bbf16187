#include "decode/figure_recall.hpp"

#include <algorithm>

#include "decode/figure_match.hpp"

namespace mlstm {

void recall_figures(std::span<const int> recent, double recall, float* pitch_log_probs) {
  if (!(recall > 0.0)) return;
  // Every earlier place of the figure's head (its first kRecallFigureNotes - 1 pitches): the
  // pitch that completed it there, marked once however often it came.
  bool completes[128] = {};
  for_each_continuation(recent.last(std::min(recent.size(), kRecallWindow)), kRecallFigureNotes - 1,
                        [&](int pitch) { completes[pitch] = true; });
  const auto bonus = static_cast<float>(recall);
  for (int p = 0; p < 128; ++p) {
    if (completes[p]) pitch_log_probs[p] += bonus;
  }
}

}  // namespace mlstm
