#include "decode/log_softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "decode/fast_exp.hpp"

namespace mlstm {

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void log_softmax(
    float* x, int n, float temperature) {
  if (temperature != 1.0f) {
    for (int i = 0; i < n; ++i) x[i] /= temperature;
  }
  // Eight partial maxima and sums, so each pass goes eight values at a time.
  float tops[8];
  std::fill_n(tops, 8, -std::numeric_limits<float>::infinity());
  int m = 0;
  for (; m + 8 <= n; m += 8) {
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) tops[j] = std::max(tops[j], x[m + j]);
  }
  float top = -std::numeric_limits<float>::infinity();
  for (; m < n; ++m) top = std::max(top, x[m]);
  for (const float t : tops) top = std::max(top, t);
  float sums[8] = {};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) sums[j] += fast_exp(x[i + j] - top);
  }
  float sum = 0.0f;
  for (; i < n; ++i) sum += fast_exp(x[i] - top);
  for (const float part : sums) sum += part;
  const float log_sum = top + std::log(sum);
  for (int j = 0; j < n; ++j) x[j] -= log_sum;
}

}  // namespace mlstm
