#include "decode/draws.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace mlstm {

int Draws::sample(std::span<const float> log_probs, int top_k, double top_p) {
  const auto n = log_probs.size();
  std::vector<double>& lp = weights_;
  lp.assign(log_probs.begin(), log_probs.end());
  constexpr double kOff = -std::numeric_limits<double>::infinity();
  if (top_k > 0 && static_cast<std::size_t>(top_k) < n) {
    std::vector<double>& sorted = sorted_;
    sorted.assign(lp.begin(), lp.end());
    std::nth_element(sorted.begin(), sorted.begin() + (top_k - 1), sorted.end(), std::greater<>());
    const double kth = sorted[static_cast<std::size_t>(top_k - 1)];
    for (double& x : lp) {
      if (x < kth) x = kOff;
    }
  }
  if (top_p < 1.0) {
    std::vector<std::size_t>& order = order_;
    order.resize(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return lp[a] > lp[b]; });
    double held = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double p = std::exp(lp[order[i]]);
      if (held >= top_p) lp[order[i]] = kOff;  // the classes before it hold top_p already
      held += p;
    }
  }
  const double top = *std::max_element(lp.begin(), lp.end());
  double total = 0;
  for (double& x : lp) {
    x = std::isfinite(x) ? std::exp(x - top) : 0.0;
    total += x;
  }
  const double u = uniform() * total;
  double cumulative = 0;
  int last = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (lp[i] <= 0) continue;
    cumulative += lp[i];
    last = static_cast<int>(i);
    if (u < cumulative) return last;
  }
  return last;  // rounding left u at the very end: the last class with any weight
}

}  // namespace mlstm
