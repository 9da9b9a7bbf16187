#include "decode/fast/panel_product.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace mlstm::fast {
namespace {

// Eight floats: one AVX2 register (GCC's vector extension, so one source serves every clone).
typedef float Lane __attribute__((vector_size(32)));

// `R` rows against every panel: R x 8 sums in registers while the panel's k rows stream by.
template <int R>
[[gnu::always_inline]] inline void rows_times_panels(const float* x, int ldx, int k,
                                                     const float* panels, int n, const float* bias,
                                                     float* out, int ldo) {
  const int blocks = (n + kPanelWidth - 1) / kPanelWidth;
  for (int p = 0; p < blocks; ++p) {
    const int col = p * kPanelWidth;
    Lane start{};
    for (int j = 0; j < kPanelWidth; ++j) start[j] = col + j < n ? bias[col + j] : 0.0f;
    Lane acc[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[r] = start;
    const float* w = panels + static_cast<std::size_t>(p) * k * kPanelWidth;
    for (int i = 0; i < k; ++i) {
      Lane wi;
      std::memcpy(&wi, w + static_cast<std::size_t>(i) * kPanelWidth, sizeof wi);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[r] += x[static_cast<std::size_t>(r) * ldx + i] * wi;
    }
    const int width = std::min(kPanelWidth, n - col);
    for (int r = 0; r < R; ++r) {
      float lanes[kPanelWidth];
      std::memcpy(lanes, &acc[r], sizeof lanes);
      std::copy_n(lanes, width, out + static_cast<std::size_t>(r) * ldo + col);
    }
  }
}

}  // namespace

std::vector<float> pack_panels(const std::vector<float>& weights, int k, int n) {
  const int blocks = (n + kPanelWidth - 1) / kPanelWidth;
  std::vector<float> panels(static_cast<std::size_t>(blocks) * k * kPanelWidth, 0.0f);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < n; ++j) {
      const int p = j / kPanelWidth;
      panels[(static_cast<std::size_t>(p) * k + i) * kPanelWidth + j % kPanelWidth] =
          weights[static_cast<std::size_t>(i) * n + j];
    }
  }
  return panels;
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void panel_product(
    const float* x, int rows, int ldx, int k, const std::vector<float>& panels, int n,
    const std::vector<float>& bias, float* out, int ldo) {
  int r = 0;
  const auto at = [&](int row) { return static_cast<std::size_t>(row); };
  for (; r + 8 <= rows; r += 8) {
    rows_times_panels<8>(x + at(r) * ldx, ldx, k, panels.data(), n, bias.data(), out + at(r) * ldo,
                         ldo);
  }
  for (; r + 4 <= rows; r += 4) {
    rows_times_panels<4>(x + at(r) * ldx, ldx, k, panels.data(), n, bias.data(), out + at(r) * ldo,
                         ldo);
  }
  for (; r < rows; ++r) {
    rows_times_panels<1>(x + at(r) * ldx, ldx, k, panels.data(), n, bias.data(), out + at(r) * ldo,
                         ldo);
  }
}

namespace {

// Eigen's generic_fast_tanh_float (Eigen/src/Core/MathFunctionsImpl.h): a 13/6 rational
// approximation on [-7.9053, 7.9053], where tanh is +-1 to float precision beyond.
[[gnu::always_inline]] inline float fast_tanh(float x) {
  constexpr float kClamp = 7.90531110763549805f;
  constexpr float a1 = 4.89352455891786e-03f, a3 = 6.37261928875436e-04f,
                  a5 = 1.48572235717979e-05f, a7 = 5.12229709037114e-08f,
                  a9 = -8.60467152213735e-11f, a11 = 2.00018790482477e-13f,
                  a13 = -2.76076847742355e-16f;
  constexpr float b0 = 4.89352518554385e-03f, b2 = 2.26843463243900e-03f,
                  b4 = 1.18534705686654e-04f, b6 = 1.19825839466702e-06f;
  x = std::clamp(x, -kClamp, kClamp);
  const float x2 = x * x;
  float p = x2 * a13 + a11;
  p = x2 * p + a9;
  p = x2 * p + a7;
  p = x2 * p + a5;
  p = x2 * p + a3;
  p = x2 * p + a1;
  p = x * p;
  float q = x2 * b6 + b4;
  q = x2 * q + b2;
  q = x2 * q + b0;
  return p / q;
}

[[gnu::always_inline]] inline float fast_sigmoid(float x) {
  return 0.5f + 0.5f * fast_tanh(0.5f * x);
}

}  // namespace

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void lstm_cell(
    const float* gates, int hidden, float* h, float* c) {
  const float* gi = gates;
  const float* gf = gates + hidden;
  const float* gg = gates + 2 * hidden;
  const float* go = gates + 3 * hidden;
  for (int j = 0; j < hidden; ++j) {
    const float cell = fast_sigmoid(gf[j]) * c[j] + fast_sigmoid(gi[j]) * fast_tanh(gg[j]);
    c[j] = cell;
    h[j] = fast_sigmoid(go[j]) * fast_tanh(cell);
  }
}

}  // namespace mlstm::fast
