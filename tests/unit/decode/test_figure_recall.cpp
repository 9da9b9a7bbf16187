// Figure recall (decode/figure_recall.hpp): the pitch that completed a figure whose first three
// pitches come back gains, once, however often it came; a pitch merely heard before does not.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "decode/figure_recall.hpp"

namespace mlstm {
namespace {

std::array<float, 128> recalled(const std::vector<int>& recent, double nats) {
  std::array<float, 128> lp{};
  recall_figures(recent, nats, lp.data());
  return lp;
}

TEST(FigureRecall, TheFiguresNextPitchGains) {
  // C E G C' ... C E G: the figure's head came back, so C' (72) gains.
  const auto lp = recalled({60, 64, 67, 72, 65, 62, 60, 64, 67}, 2.0);
  EXPECT_FLOAT_EQ(lp[72], 2.0f);
  for (int p = 0; p < 128; ++p) {
    if (p != 72) {
      EXPECT_EQ(lp[static_cast<std::size_t>(p)], 0.0f) << p;
    }
  }
}

TEST(FigureRecall, EachPitchGainsOnceHoweverOftenItCame) {
  // The head C E G came before three times, twice followed by C', once by B.
  const auto lp = recalled({60, 64, 67, 72, 60, 64, 67, 72, 60, 64, 67, 71, 60, 64, 67}, 1.5);
  EXPECT_FLOAT_EQ(lp[72], 1.5f);
  EXPECT_FLOAT_EQ(lp[71], 1.5f);
  EXPECT_FLOAT_EQ(lp[60], 0.0f);
}

TEST(FigureRecall, TwoPitchesAgainAreNotAFigure) {
  // E G came back, but not with C before it: nothing gains.
  const auto lp = recalled({60, 64, 67, 72, 62, 64, 67}, 2.0);
  for (float v : lp) EXPECT_EQ(v, 0.0f);
}

TEST(FigureRecall, OnlyTheLastNotesAreLookedBackOver) {
  // The figure, then kRecallWindow - 6 other notes, then its head: kRecallWindow + 1 notes, so
  // the figure's first is out of reach.
  std::vector<int> recent = {60, 64, 67, 72};
  for (std::size_t i = 0; i + 6 < kRecallWindow; ++i)
    recent.push_back(40 + static_cast<int>(i % 7));
  recent.insert(recent.end(), {60, 64, 67});
  for (float v : recalled(recent, 2.0)) EXPECT_EQ(v, 0.0f);
  // One note fewer between, and the figure is in reach.
  recent.erase(recent.begin() + 4);
  EXPECT_FLOAT_EQ(recalled(recent, 2.0)[72], 2.0f);
}

TEST(FigureRecall, OffOrTooFewNotesChangeNothing) {
  for (float v : recalled({60, 64, 67, 72, 60, 64, 67}, 0.0)) EXPECT_EQ(v, 0.0f);
  for (float v : recalled({60, 64, 67}, 2.0)) EXPECT_EQ(v, 0.0f);
  for (float v : recalled({}, 2.0)) EXPECT_EQ(v, 0.0f);
}

}  // namespace
}  // namespace mlstm
