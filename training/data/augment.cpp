#include "data/augment.hpp"

namespace mlstm {

void augment_windows(NoteTensors& w, int transpose, double stretch) {
  const int64_t rows = w.pitch.size(0);
  if (transpose > 0) {
    // The shift each row can take: as far as asked, but no pitch past 0 or 127.
    const auto low = torch::clamp_min(-std::get<0>(w.pitch.min(1)), -transpose);
    const auto high = torch::clamp_max(127 - std::get<0>(w.pitch.max(1)), transpose);
    const auto span = (high - low + 1).to(torch::kFloat64);
    const auto shift = low + torch::floor(torch::rand({rows}, torch::kFloat64) * span)
                                 .to(torch::kInt64)
                                 .minimum(high - low);
    w.pitch = w.pitch + shift.unsqueeze(1);
  }
  if (stretch > 0.0) {
    const auto factor =
        (1.0 + stretch * (2.0 * torch::rand({rows, 1}, torch::kFloat32) - 1.0)).to(w.step.dtype());
    w.step = w.step * factor;
    w.duration = w.duration * factor;
  }
}

}  // namespace mlstm
