// The draws both searches share (decode/draws.hpp): the softmax's frequencies, the filters, the
// seed.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "decode/draws.hpp"
#include "decode/fast_exp.hpp"

namespace mlstm {
namespace {

std::vector<double> frequencies(std::vector<float> log_probs, int top_k, double top_p,
                                int draws = 200000) {
  Draws d(42);
  std::vector<double> f(log_probs.size(), 0.0);
  for (int i = 0; i < draws; ++i)
    f[static_cast<std::size_t>(d.sample(log_probs, top_k, top_p))] += 1;
  for (double& x : f) x /= draws;
  return f;
}

TEST(Draws, ClassesComeAsOftenAsTheirProbability) {
  const std::vector<double> p = {0.5, 0.25, 0.125, 0.0625, 0.0625};
  std::vector<float> lp;
  for (double x : p) lp.push_back(static_cast<float>(std::log(x)));
  const auto f = frequencies(lp, 0, 1.0);
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(f[i], p[i], 0.005) << i;
}

TEST(Draws, UnnormalisedAndMaskedLogProbabilities) {
  const float off = -std::numeric_limits<float>::infinity();
  const auto f = frequencies({3.0f, off, 3.0f + std::log(3.0f), off}, 0, 1.0);
  EXPECT_NEAR(f[0], 0.25, 0.005);
  EXPECT_NEAR(f[2], 0.75, 0.005);
  EXPECT_EQ(f[1], 0.0);
  EXPECT_EQ(f[3], 0.0);
}

TEST(Draws, TopKAndTopPKeepTheLikeliest) {
  std::vector<float> lp;
  for (double x : {0.4, 0.3, 0.2, 0.1}) lp.push_back(static_cast<float>(std::log(x)));
  const auto k2 = frequencies(lp, 2, 1.0);
  EXPECT_NEAR(k2[0], 4.0 / 7.0, 0.005);
  EXPECT_NEAR(k2[1], 3.0 / 7.0, 0.005);
  EXPECT_EQ(k2[2] + k2[3], 0.0);
  // top-p 0.75: 0.4 and 0.3 hold 0.7 < 0.75, so 0.2 stays too; 0.1 goes.
  const auto p75 = frequencies(lp, 0, 0.75);
  EXPECT_NEAR(p75[2], 0.2 / 0.9, 0.005);
  EXPECT_EQ(p75[3], 0.0);
}

TEST(Draws, TheSameSeedTheSameDraws) {
  Draws a(7), b(7), c(8);
  const std::vector<float> lp(16, 0.0f);
  int same = 0;
  for (int i = 0; i < 100; ++i) {
    const int x = a.sample(lp);
    EXPECT_EQ(x, b.sample(lp));
    same += x == c.sample(lp);
  }
  EXPECT_LT(same, 30);
}

TEST(FastExp, WithinAFewUnitsInTheLastPlaceOfTheExponential) {
  double worst = 0;
  for (float x = -87.0f; x <= 0.0f; x += 0.001f) {
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(fast_exp(x) - exact) / exact);
  }
  EXPECT_LT(worst, 3e-7);  // 2.5 units in the last place of a float
  EXPECT_EQ(fast_exp(0.0f), 1.0f);
}

TEST(FastExp, NothingForMaskedClasses) {
  EXPECT_EQ(fast_exp(-std::numeric_limits<float>::infinity()), 0.0f);
  EXPECT_EQ(fast_exp(-100.0f), 0.0f);
}

}  // namespace
}  // namespace mlstm
