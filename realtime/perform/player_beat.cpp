#include "perform/player_beat.hpp"

#include <algorithm>
#include <cmath>

namespace mlstm::rt {

std::int64_t PlayerBeat::next(std::int64_t frame, int beats_per_bar) const {
  const double anchor = beats_per_bar > 1 ? this->anchor() : phase;
  const double step = period * std::max(1, beats_per_bar);
  const double k = std::ceil((static_cast<double>(frame) - anchor) / step - 1e-9);
  return static_cast<std::int64_t>(std::llround(anchor + k * step));
}

}  // namespace mlstm::rt
