#include "decode/fast/panel_product.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace mlstm::fast {
namespace {

// One register of floats (GCC's vector extension, so one source serves every clone): 8 floats
// for AVX2, 16 for AVX-512.
typedef float Lane8 __attribute__((vector_size(32)));
typedef float Lane16 __attribute__((vector_size(64)));

// `R` rows against `P` panels from panel `first` on: R x P registers of sums while the panels'
// k rows stream by. Each row's value is broadcast once for the P panels, and each panel row loaded
// once for the R rows: 8 rows x 3 panels is 24 multiply-adds for 11 loads.
template <int R, int P, typename Lane>
[[gnu::always_inline]] inline void rows_times_some_panels(const float* x, int ldx, const Panels& p,
                                                          int first, const float* bias, float* out,
                                                          int ldo) {
  constexpr int W = sizeof(Lane) / sizeof(float);
  const int k = p.k, n = p.n;
  Lane acc[P][R];
  const float* w[P];
#pragma GCC unroll 8
  for (int q = 0; q < P; ++q) {
    const int col = (first + q) * W;
    Lane start{};
    for (int j = 0; j < W; ++j) start[j] = col + j < n ? bias[col + j] : 0.0f;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[q][r] = start;
    w[q] = p.values.data() + static_cast<std::size_t>(first + q) * k * W;
  }
  for (int i = 0; i < k; ++i) {
#pragma GCC unroll 8
    for (int q = 0; q < P; ++q) __builtin_prefetch(w[q] + static_cast<std::size_t>(i + 24) * W);
    Lane wi[P];
#pragma GCC unroll 8
    for (int q = 0; q < P; ++q)
      std::memcpy(&wi[q], w[q] + static_cast<std::size_t>(i) * W, sizeof(Lane));
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const Lane xr = Lane{} + x[static_cast<std::size_t>(r) * ldx + i];
#pragma GCC unroll 8
      for (int q = 0; q < P; ++q) acc[q][r] += xr * wi[q];
    }
  }
#pragma GCC unroll 8
  for (int q = 0; q < P; ++q) {
    const int col = (first + q) * W;
    const int width = std::min(W, n - col);
    for (int r = 0; r < R; ++r) {
      float lanes[W];
      std::memcpy(lanes, &acc[q][r], sizeof lanes);
      std::copy_n(lanes, width, out + static_cast<std::size_t>(r) * ldo + col);
    }
  }
}

// `R` rows against every panel, P at a time.
template <int R, int P, typename Lane>
[[gnu::always_inline]] inline void rows_times_panels(const float* x, int ldx, const Panels& p,
                                                     const float* bias, float* out, int ldo) {
  constexpr int W = sizeof(Lane) / sizeof(float);
  const int blocks = (p.n + W - 1) / W;
  int b = 0;
  for (; b + P <= blocks; b += P) rows_times_some_panels<R, P, Lane>(x, ldx, p, b, bias, out, ldo);
  for (; b < blocks; ++b) rows_times_some_panels<R, 1, Lane>(x, ldx, p, b, bias, out, ldo);
}

// Every row, 8 at a time, then 4, then one.
template <typename Lane>
[[gnu::always_inline]] inline void all_rows(const float* x, int rows, int ldx, const Panels& p,
                                            const float* bias, float* out, int ldo) {
  const auto at = [](int row) { return static_cast<std::size_t>(row); };
  int r = 0;
  for (; r + 8 <= rows; r += 8)
    rows_times_panels<8, 3, Lane>(x + at(r) * ldx, ldx, p, bias, out + at(r) * ldo, ldo);
  for (; r + 4 <= rows; r += 4)
    rows_times_panels<4, 4, Lane>(x + at(r) * ldx, ldx, p, bias, out + at(r) * ldo, ldo);
  for (; r < rows; ++r)
    rows_times_panels<1, 4, Lane>(x + at(r) * ldx, ldx, p, bias, out + at(r) * ldo, ldo);
}

}  // namespace

// The two kernels, each cloned for the instruction sets that suit it and chosen when the program
// loads; the plain x86-64 clones serve CPUs without them (and the tests, anywhere).
__attribute__((target_clones("arch=x86-64-v4", "default"))) void panel_product_16(
    const float* x, int rows, int ldx, const Panels& p, const float* bias, float* out, int ldo) {
  all_rows<Lane16>(x, rows, ldx, p, bias, out, ldo);
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void panel_product_8(
    const float* x, int rows, int ldx, const Panels& p, const float* bias, float* out, int ldo) {
  all_rows<Lane8>(x, rows, ldx, p, bias, out, ldo);
}

int preferred_panel_width() {
  static const int width = __builtin_cpu_supports("avx512f") ? 16 : 8;
  return width;
}

Panels pack_panels(const std::vector<float>& weights, int k, int n, int width) {
  if (width != 8 && width != 16) throw std::invalid_argument("panels are 8 or 16 columns wide");
  if (weights.size() != static_cast<std::size_t>(k) * static_cast<std::size_t>(n)) {
    throw std::invalid_argument("pack_panels: the weights are not k x n");
  }
  Panels p;
  p.k = k;
  p.n = n;
  p.width = width;
  const int blocks = (n + width - 1) / width;
  p.values.assign(static_cast<std::size_t>(blocks) * k * width, 0.0f);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < n; ++j) {
      p.values[(static_cast<std::size_t>(j / width) * k + i) * width + j % width] =
          weights[static_cast<std::size_t>(i) * n + j];
    }
  }
  return p;
}

void panel_product(const float* x, int rows, int ldx, const Panels& panels,
                   const std::vector<float>& bias, float* out, int ldo) {
  if (panels.width == 16) {
    panel_product_16(x, rows, ldx, panels, bias.data(), out, ldo);
  } else {
    panel_product_8(x, rows, ldx, panels, bias.data(), out, ldo);
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
