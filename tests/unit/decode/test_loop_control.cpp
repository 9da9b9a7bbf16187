// Loop control (decode/loop_control.hpp): the pitch that would repeat a figure costs, each
// earlier time once more; a pitch merely heard before does not.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "decode/loop_control.hpp"

namespace mlstm {
namespace {

std::array<float, 128> penalised(const std::vector<int>& recent, const SearchSettings& s) {
  std::array<float, 128> lp{};
  penalise_repeated_figures(recent, s, lp.data());
  return lp;
}

SearchSettings loops(int n, double nats) {
  SearchSettings s;
  s.loop_ngram = n;
  s.loop_penalty = nats;
  return s;
}

SearchSettings figures(double nats) {
  SearchSettings s;
  s.figure_penalty = nats;
  return s;
}

TEST(LoopControl, ALoopsNextPitchCostsOncePerEarlierTime) {
  // C E C E C E C: "E C" came twice before, each time followed by E, so E costs twice.
  const auto lp = penalised({60, 64, 60, 64, 60, 64, 60}, loops(3, 1.5));
  EXPECT_FLOAT_EQ(lp[64], -3.0f);
  EXPECT_FLOAT_EQ(lp[60], 0.0f);
  EXPECT_FLOAT_EQ(lp[67], 0.0f);
}

TEST(LoopControl, APitchHeardBeforeOutsideTheFigureIsFree) {
  // G was heard, but never after "D E": nothing costs.
  const auto lp = penalised({67, 60, 62, 64}, loops(3, 2.0));
  for (float v : lp) EXPECT_EQ(v, 0.0f);
}

TEST(LoopControl, AScaleRunsNextStepCostsInAnyTransposition) {
  // C D E F G A: the intervals 2 2 1 2 2; after the last "2 2" (G A... F G A) came 1 (E F) once
  // before, in another place: so B-flat (A + 1) costs.
  const auto lp = penalised({60, 62, 64, 65, 67, 69}, figures(1.0));
  EXPECT_FLOAT_EQ(lp[70], -1.0f);
  EXPECT_FLOAT_EQ(lp[71], 0.0f);  // B, the scale's own next step, was not a repeat of "2 2 x"
}

TEST(LoopControl, ATurningMelodyAndAChangingChordCostNothing) {
  const auto lp = penalised({60, 67, 64, 72, 59, 65, 62, 69}, figures(2.0));
  for (float v : lp) EXPECT_EQ(v, 0.0f);
}

TEST(LoopControl, OffCostsNothingAndTheEdgesAreKept) {
  EXPECT_FALSE(controls_loops(SearchSettings{}));
  EXPECT_FALSE(controls_loops(loops(0, 3.0)));
  EXPECT_TRUE(controls_loops(figures(0.5)));
  for (float v : penalised({60, 64, 60, 64, 60}, SearchSettings{})) EXPECT_EQ(v, 0.0f);
  // A figure that would go past the keyboard's top is not a pitch to penalise.
  // (Up 10, up 10, then 5 before: 125 + 5 is off the keyboard.)
  const auto lp = penalised({100, 110, 120, 125, 105, 115, 125}, figures(1.0));
  for (float v : lp) EXPECT_EQ(v, 0.0f);
  EXPECT_TRUE(penalised({}, figures(1.0))[60] == 0.0f);
}

}  // namespace
}  // namespace mlstm
