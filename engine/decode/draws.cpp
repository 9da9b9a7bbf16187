#include "decode/draws.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "decode/fast_exp.hpp"

namespace mlstm {
namespace {

// weights[i] = e^(x[i] - top), 0 for -infinity; their sum. Eight partial sums, so the loop goes
// eight values at a time: the jam's drawn timing draws three heads for every beam at every note,
// and libm's exp one value at a time was a twentieth of the fast decoder's answer.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) double exp_weights(
    const float* __restrict x, std::size_t n, float top, float* __restrict weights) {
  float sums[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
#pragma GCC unroll 8
    for (std::size_t j = 0; j < 8; ++j) {
      const float w = fast_exp(x[i + j] - top);
      weights[i + j] = w;
      sums[j] += w;
    }
  }
  double total = 0;
  for (; i < n; ++i) {
    weights[i] = fast_exp(x[i] - top);
    total += weights[i];
  }
  for (const float s : sums) total += s;
  return total;
}

}  // namespace

int Draws::sample(std::span<const float> log_probs, int top_k, double top_p) {
  const auto n = log_probs.size();
  std::vector<float>& lp = kept_;
  lp.assign(log_probs.begin(), log_probs.end());
  constexpr float kOff = -std::numeric_limits<float>::infinity();
  if (top_k > 0 && static_cast<std::size_t>(top_k) < n) {
    std::vector<float>& sorted = weights_;
    sorted.assign(lp.begin(), lp.end());
    std::nth_element(sorted.begin(), sorted.begin() + (top_k - 1), sorted.end(), std::greater<>());
    const float kth = sorted[static_cast<std::size_t>(top_k - 1)];
    for (float& x : lp) {
      if (x < kth) x = kOff;
    }
  }
  if (top_p < 1.0) {
    std::vector<std::size_t>& order = order_;
    order.resize(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Likeliest first, equal ones in class order: std::sort with the index as the tie-break is
    // the stable order without std::stable_sort's buffer, allocated on every call.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return lp[a] > lp[b] || (lp[a] == lp[b] && a < b);
    });
    double held = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double p = std::exp(static_cast<double>(lp[order[i]]));
      if (held >= top_p) lp[order[i]] = kOff;  // the classes before it hold top_p already
      held += p;
    }
  }
  const float top = *std::max_element(lp.begin(), lp.end());
  if (top == kOff) return 0;  // nothing finite: not to be asked, answered as before
  std::vector<float>& w = weights_;
  w.resize(n);
  const double total = exp_weights(lp.data(), n, top, w.data());
  const double u = uniform() * total;
  double cumulative = 0;
  int last = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (w[i] <= 0) continue;
    cumulative += w[i];
    last = static_cast<int>(i);
    if (u < cumulative) return last;
  }
  return last;  // rounding left u at the very end: the last class with any weight
}

}  // namespace mlstm
