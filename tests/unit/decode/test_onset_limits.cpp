// The decoder's playability rules on their own: a greedy "model" that always wants to start the
// next note at once is held to the cluster and pace limits, and music that keeps them is left
// alone.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "decode/onset_limits.hpp"
#include "midi/playability.hpp"

namespace mlstm {
namespace {

// Notes whose steps are the smallest each limit allows (what beam search does when step 0 is
// the likeliest class everywhere).
std::vector<NoteFeatures> tightest(std::span<const NoteFeatures> context, int notes,
                                   int max_cluster, double max_pace) {
  OnsetLimits limits(context, max_cluster, max_pace);
  std::vector<NoteFeatures> out;
  for (int i = 0; i < notes; ++i) {
    const double step = limits.min_step();
    limits.add(step);
    out.push_back({60 + i % 12, step, 0.1, 80});
  }
  return out;
}

TEST(OnsetLimits, NoMoreThanTheClusterLimitStartTogether) {
  for (int c : {1, 3, 8, kMaxPlayableCluster}) {
    const auto answer = tightest({}, 50, c, kMaxPaceLimit);
    EXPECT_EQ(measure_playability(answer).largest_cluster, c) << c;
  }
}

TEST(OnsetLimits, ThePaceLimitKeepsFiftyNotesFromAnInstant) {
  const auto answer = tightest({}, 50, kDefaultMaxCluster, kDefaultMaxPace);
  const Playability p = measure_playability(answer);
  // Note 49 starts (49 - 8) / 34 s after the first at the earliest.
  EXPECT_GE(p.span_seconds, (49.0 - kDefaultMaxCluster) / kDefaultMaxPace - 1e-9);
  EXPECT_FALSE(p.degenerate());
  // At the loosest settings an answer still spans over a second, the degenerate limit.
  const auto loosest = tightest({}, 50, kMaxPlayableCluster, kMaxPaceLimit);
  EXPECT_GT(measure_playability(loosest).span_seconds, kMinAnswerSpanSeconds);
  EXPECT_FALSE(measure_playability(loosest).degenerate());
}

TEST(OnsetLimits, AChordInTheContextCountsTowardTheFirstCluster) {
  // The context ends with four notes at one instant: only four more may join them.
  std::vector<NoteFeatures> context = {
      {48, 0.5, 1.0, 80}, {52, 0.0, 1.0, 80}, {55, 0.0, 1.0, 80}, {60, 0.0, 1.0, 80}};
  OnsetLimits limits(context, 8, 16.0);
  for (int i = 0; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(limits.min_step(), 0.0) << i;
    limits.add(0.0);
  }
  EXPECT_GE(limits.min_step(), kClusterWindowSeconds);
}

TEST(OnsetLimits, RealMusicPacesAreLeftAlone) {
  // A four-note chord and three notes a quarter of a second apart, every second: 7 notes a second.
  OnsetLimits limits({}, 8, 16.0);
  for (int bar = 0; bar < 8; ++bar) {
    for (int i = 0; i < 4; ++i) {
      const double step = (bar > 0 && i == 0) ? 0.25 : 0.0;
      EXPECT_LE(limits.min_step(), step + 1e-12) << bar;
      limits.add(step);
    }
    for (int i = 0; i < 3; ++i) {
      EXPECT_LE(limits.min_step(), 0.25) << bar;
      limits.add(0.25);
    }
  }
}

TEST(OnsetLimits, SettingsOutsideTheirRangesAreRefused) {
  EXPECT_NE(onset_limits_error(0, 16.0), "");
  EXPECT_NE(onset_limits_error(kMaxPlayableCluster + 1, 16.0), "");
  EXPECT_NE(onset_limits_error(8, 0.5), "");
  EXPECT_NE(onset_limits_error(8, 37.0), "");
  EXPECT_EQ(onset_limits_error(8, 16.0), "");
  EXPECT_THROW(OnsetLimits({}, 0, 16.0), std::invalid_argument);
}

}  // namespace
}  // namespace mlstm
