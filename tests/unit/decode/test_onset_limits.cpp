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

// A phrase's pace counts its notes after the first over the time they took; the step before the
// phrase (a rest) is not part of it, nor is a rest longer than the gap between phrases, and a
// chord alone is not infinitely fast.
TEST(PhrasePace, NotesAfterTheFirstOverTheirSpan) {
  std::vector<NoteFeatures> phrase = {{60, 5.0, 0.2, 80}};  // after a rest of 5 s
  for (int i = 1; i < 9; ++i) phrase.push_back({60 + i, 0.25, 0.2, 80});
  EXPECT_DOUBLE_EQ(phrase_pace(phrase), 8 / 2.0);
  const std::vector<NoteFeatures> chord = {{60, 1.0, 1, 80}, {64, 0.0, 1, 80}, {67, 0.0, 1, 80}};
  EXPECT_DOUBLE_EQ(phrase_pace(chord), 2 / kMinPhraseSeconds);
  EXPECT_EQ(phrase_pace(std::span(phrase).first(1)), 0.0);
  // Two phrases with a rest between: the rest counts neither as time nor as a note.
  std::vector<NoteFeatures> two = phrase;
  two.push_back({72, 3.0, 0.2, 80});
  for (int i = 0; i < 4; ++i) two.push_back({72 + i, 0.25, 0.2, 80});
  EXPECT_DOUBLE_EQ(phrase_pace(two, 0.35), 12 / 3.0);
  EXPECT_DOUBLE_EQ(phrase_pace(two), 13 / 6.0);
}

// Tied to the player's pace, the limit is the lower of the two; off, or with no pace known, the
// absolute limit alone; never under kMinPaceLimit.
TEST(PhrasePace, ThePaceRatioLowersTheLimitToThePlayersPace) {
  EXPECT_DOUBLE_EQ(answer_pace_limit(34.0, 4.0, 1.5), 6.0);
  EXPECT_DOUBLE_EQ(answer_pace_limit(34.0, 30.0, 2.0), 34.0);
  EXPECT_DOUBLE_EQ(answer_pace_limit(34.0, 4.0, 0.0), 34.0);
  EXPECT_DOUBLE_EQ(answer_pace_limit(34.0, 0.0, 1.5), 34.0);
  EXPECT_DOUBLE_EQ(answer_pace_limit(34.0, 0.2, 1.0), kMinPaceLimit);
  // Fifty notes held to a player's 4 notes a second, 1.5 times: (49 - 8) / 6 s at least.
  const auto answer = tightest({}, 50, kDefaultMaxCluster, answer_pace_limit(34.0, 4.0, 1.5));
  EXPECT_GE(measure_playability(answer).span_seconds, (49.0 - kDefaultMaxCluster) / 6.0 - 1e-9);
}

}  // namespace
}  // namespace mlstm
