// The fast decoder's matrix product (decode/fast/panel_product.hpp) against a plain triple loop,
// with panels 8 and 16 columns wide (both kernels run on any x86-64 CPU), for every row count
// the beams reach and widths that leave a panel part-filled; its LSTM cell against libm; its
// log-softmax (decode/log_softmax.hpp, the one search's) against one computed in double.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "decode/fast/panel_product.hpp"
#include "decode/log_softmax.hpp"

namespace mlstm::fast {
namespace {

std::vector<float> random_values(std::mt19937& rng, std::size_t n) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

void expect_product(int width, int rows, int k, int n) {
  std::mt19937 rng(static_cast<std::uint32_t>(rows * 1000 + k + n + width));
  const int ldx = k + 3;  // rows with a stride wider than k, as the decoder's [x | h] rows are
  const std::vector<float> x = random_values(rng, static_cast<std::size_t>(rows) * ldx);
  const std::vector<float> w = random_values(rng, static_cast<std::size_t>(k) * n);
  const std::vector<float> bias = random_values(rng, static_cast<std::size_t>(n));
  const Panels panels = pack_panels(w, k, n, width);
  const int ldo = n + 5;
  std::vector<float> out(static_cast<std::size_t>(rows) * ldo, -7.0f);
  panel_product(x.data(), rows, ldx, panels, bias, out.data(), ldo);
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < ldo; ++j) {
      const float got = out[static_cast<std::size_t>(r) * ldo + j];
      if (j >= n) {
        ASSERT_EQ(got, -7.0f) << "wrote past column " << n;
        continue;
      }
      double want = bias[static_cast<std::size_t>(j)];
      for (int i = 0; i < k; ++i) {
        want += double(x[static_cast<std::size_t>(r) * ldx + i]) *
                w[static_cast<std::size_t>(i) * n + j];
      }
      ASSERT_NEAR(got, want, 1e-4)
          << "width " << width << ", rows " << rows << ", (" << r << ", " << j << ")";
    }
  }
}

TEST(PanelProduct, MatchesAPlainProductAtEveryRowCountAndPanelWidth) {
  for (int width : {8, 16}) {
    for (int rows = 1; rows <= 20; ++rows) {
      expect_product(width, rows, 37, 45);  // 45 columns: the last panel part-filled
    }
    expect_product(width, 8, 547, 2048);  // `default`'s gates
    expect_product(width, 3, 5, 7);       // narrower than one panel
  }
}

TEST(PanelProduct, PrefersThePanelWidthThisCpuComputesFastest) {
  const int width = preferred_panel_width();
  EXPECT_EQ(width, __builtin_cpu_supports("avx512f") ? 16 : 8);
  EXPECT_EQ(pack_panels(std::vector<float>(6, 1.0f), 2, 3).width, width);
}

TEST(PanelProduct, RefusesPanelsOfAnotherWidthOrWeightsOfAnotherSize) {
  EXPECT_THROW(pack_panels(std::vector<float>(6, 1.0f), 2, 3, 4), std::invalid_argument);
  EXPECT_THROW(pack_panels(std::vector<float>(5, 1.0f), 2, 3, 8), std::invalid_argument);
}

TEST(LstmCell, ComputesTheGatesAsLibmDoes) {
  const int hidden = 37;
  std::mt19937 rng(4);
  std::vector<float> gates = random_values(rng, 4 * hidden);
  for (float& g : gates) g *= 12.0f;  // beyond the approximation's clamp too
  std::vector<float> h(hidden), c = random_values(rng, hidden);
  const std::vector<float> c0 = c;
  lstm_cell(gates.data(), hidden, h.data(), c.data());
  const auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (int j = 0; j < hidden; ++j) {
    const auto g = [&](int gate) {
      return double(gates[static_cast<std::size_t>(gate * hidden + j)]);
    };
    const double cell =
        sigmoid(g(1)) * c0[static_cast<std::size_t>(j)] + sigmoid(g(0)) * std::tanh(g(2));
    EXPECT_NEAR(c[static_cast<std::size_t>(j)], cell, 1e-5);
    EXPECT_NEAR(h[static_cast<std::size_t>(j)], sigmoid(g(3)) * std::tanh(cell), 1e-5);
  }
}

TEST(LogSoftmax, MatchesTheExactOneAtEveryLengthAndTemperature) {
  std::mt19937 rng(5);
  for (int n : {1, 7, 8, 32, 64, 128, 131}) {
    for (float temperature : {1.0f, 0.85f, 2.5f}) {
      std::vector<float> x = random_values(rng, static_cast<std::size_t>(n));
      for (float& v : x) v *= 30.0f;  // logits far apart: some exponentials underflow
      std::vector<float> got = x;
      log_softmax(got.data(), n, temperature);
      double top = -1e300, sum = 0;
      for (float v : x) top = std::max(top, double(v) / temperature);
      for (float v : x) sum += std::exp(double(v) / temperature - top);
      for (int i = 0; i < n; ++i) {
        const double want =
            double(x[static_cast<std::size_t>(i)]) / temperature - top - std::log(sum);
        ASSERT_NEAR(got[static_cast<std::size_t>(i)], want, 1e-5 * std::max(1.0, std::abs(want)))
            << "n " << n << ", temperature " << temperature << ", " << i;
      }
    }
  }
}

}  // namespace
}  // namespace mlstm::fast
