// What a listener hears of an answer: its span, its largest cluster, its speed, and whether it is
// music a pianist could play.
#include <gtest/gtest.h>

#include <vector>

#include "midi/playability.hpp"

namespace mlstm {
namespace {

std::vector<NoteFeatures> line(int n, double step, double duration) {
  std::vector<NoteFeatures> notes;
  for (int i = 0; i < n; ++i) notes.push_back({60 + i % 12, i == 0 ? 0.7 : step, duration, 64});
  return notes;
}

TEST(Playability, AScaleAtEightNotesASecondIsPlayable) {
  const Playability p = measure_playability(line(50, 0.125, 0.1));
  EXPECT_EQ(p.notes, 50);
  EXPECT_NEAR(p.span_seconds, 49 * 0.125, 1e-9);  // the first note's own step is not counted
  EXPECT_EQ(p.largest_cluster, 1);
  EXPECT_NEAR(p.notes_per_second, 50 / (49 * 0.125 + 0.1), 1e-9);
  EXPECT_FALSE(p.degenerate());
}

TEST(Playability, FiftyNotesAtOneInstantAreDegenerate) {
  // What the shipped model's beam search played in continuous mode (issue 15).
  const Playability p = measure_playability(line(50, 0.0, 0.02));
  EXPECT_EQ(p.span_seconds, 0.0);
  EXPECT_EQ(p.largest_cluster, 50);
  EXPECT_NEAR(p.notes_per_second, 50 / 0.02, 1e-6);
  EXPECT_TRUE(p.degenerate());
}

TEST(Playability, ChordsOfFourAreFineButElevenTogetherAreNot) {
  std::vector<NoteFeatures> chords;
  for (int c = 0; c < 10; ++c) {
    for (int k = 0; k < 4; ++k) chords.push_back({48 + 4 * k, k == 0 ? 0.5 : 0.005, 0.4, 70});
  }
  Playability p = measure_playability(chords);
  EXPECT_EQ(p.largest_cluster, 4);
  EXPECT_FALSE(p.degenerate());
  std::vector<NoteFeatures> stack = chords;
  for (int k = 0; k < 7; ++k) stack.push_back({30 + k, 0.002, 0.4, 70});  // 4 + 7 = 11 at once
  p = measure_playability(stack);
  EXPECT_EQ(p.largest_cluster, 11);
  EXPECT_TRUE(p.degenerate());
}

TEST(Playability, ASpanUnderASecondIsDegenerate) {
  EXPECT_TRUE(measure_playability(line(50, 0.019, 0.1)).degenerate());   // 0.93 s
  EXPECT_FALSE(measure_playability(line(50, 0.021, 0.1)).degenerate());  // 1.03 s
}

TEST(Playability, TheClusterWindowIsThirtyMillisecondsFromItsFirstOnset) {
  const std::vector<double> onsets = {0.0, 0.010, 0.029, 0.031, 0.050, 0.058, 1.0};
  EXPECT_EQ(largest_cluster(onsets), 4);  // 0.029, 0.031, 0.050, 0.058
  EXPECT_EQ(largest_cluster(onsets, 0.02), 2);
  EXPECT_EQ(largest_cluster(std::vector<double>{}), 0);
}

TEST(Playability, NoNotesAndOneNote) {
  EXPECT_FALSE(measure_playability({}).degenerate());
  const std::vector<NoteFeatures> one = {{60, 0.2, 0.5, 64}};
  const Playability p = measure_playability(one);
  EXPECT_EQ(p.largest_cluster, 1);
  EXPECT_FALSE(p.degenerate());
}

}  // namespace
}  // namespace mlstm
