#pragma once
// Where a pitch figure occurred before: the one matching loop that the loop penalty
// (decode/loop_control.hpp, on a figure's repeat) and figure recall (decode/figure_recall.hpp,
// toward it) both read. Torch-free, header-only: the search calls it for every beam at every note.

#include <span>

namespace mlstm {

// Calls `next(pitch)` for every earlier place among `recent` (pitches, oldest first) where its
// last `head` pitches occurred, with the pitch that came after them there: once per place, so a
// pitch that followed the figure twice comes twice. Nothing when `recent` holds `head` pitches or
// fewer. Allocates nothing.
template <typename Next>
void for_each_continuation(std::span<const int> recent, int head, Next&& next) {
  const auto n = static_cast<int>(recent.size());
  const auto at = [&](int i) { return recent[static_cast<std::size_t>(i)]; };
  for (int i = 0; i + head < n; ++i) {
    bool same = true;
    for (int k = 0; k < head && same; ++k) same = at(i + k) == at(n - head + k);
    if (same) next(at(i + head));
  }
}

}  // namespace mlstm
