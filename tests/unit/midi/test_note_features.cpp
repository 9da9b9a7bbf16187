#include <gtest/gtest.h>

#include "midi/note_features.hpp"

namespace mlstm {
namespace {

TEST(NoteFeatures, OrderedByStartThenPitch) {
  const std::vector<Note> notes = {
      {64, 80, 1.0, 1.5, 0, 0}, {60, 70, 1.0, 2.0, 0, 0}, {67, 90, 0.5, 0.6, 0, 0}};
  const auto f = to_features(notes);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].pitch, 67);
  EXPECT_EQ(f[1].pitch, 60);
  EXPECT_EQ(f[2].pitch, 64);
}

TEST(NoteFeatures, StepIsFromThePreviousStartAndDurationIsEndMinusStart) {
  const std::vector<Note> notes = {
      {60, 70, 0.5, 0.75, 0, 0}, {62, 71, 1.25, 3.0, 0, 0}, {64, 72, 1.25, 1.5, 0, 0}};
  const auto f = to_features(notes);
  EXPECT_EQ(f[0], (NoteFeatures{60, 0.0, 0.25, 70}));
  EXPECT_EQ(f[1], (NoteFeatures{62, 0.75, 1.75, 71}));
  EXPECT_EQ(f[2], (NoteFeatures{64, 0.0, 0.25, 72}));
}

TEST(NoteFeatures, FromFeaturesInvertsToFeatures) {
  const std::vector<Note> notes = {
      {60, 70, 0.5, 0.75, 0, 0}, {62, 71, 1.25, 3.0, 0, 0}, {64, 72, 2.0, 2.5, 0, 0}};
  const auto back = from_features(to_features(notes), 0.5);
  ASSERT_EQ(back.size(), notes.size());
  for (std::size_t i = 0; i < notes.size(); ++i) {
    EXPECT_EQ(back[i].pitch, notes[i].pitch);
    EXPECT_DOUBLE_EQ(back[i].start, notes[i].start);
    EXPECT_DOUBLE_EQ(back[i].end, notes[i].end);
    EXPECT_EQ(back[i].velocity, notes[i].velocity);
  }
}

TEST(NoteFeatures, EmptyInEmptyOut) {
  EXPECT_TRUE(to_features({}).empty());
}

}  // namespace
}  // namespace mlstm
