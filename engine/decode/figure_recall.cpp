#include "decode/figure_recall.hpp"

#include <algorithm>

namespace mlstm {

void recall_figures(std::span<const int> recent, double recall, float* pitch_log_probs) {
  if (!(recall > 0.0)) return;
  const std::span<const int> seen = recent.last(std::min(recent.size(), kRecallWindow));
  const int n = static_cast<int>(seen.size());
  const int head = kRecallFigureNotes - 1;  // the pitches that must match
  if (n <= head) return;
  const auto at = [&](int i) { return seen[static_cast<std::size_t>(i)]; };
  bool completes[128] = {};
  // Every earlier start of the figure's head, ending before the last `head` pitches themselves.
  for (int i = 0; i + head < n; ++i) {
    bool same = true;
    for (int k = 0; k < head && same; ++k) same = at(i + k) == at(n - head + k);
    if (same) completes[at(i + head)] = true;
  }
  const auto bonus = static_cast<float>(recall);
  for (int p = 0; p < 128; ++p) {
    if (completes[p]) pitch_log_probs[p] += bonus;
  }
}

}  // namespace mlstm
