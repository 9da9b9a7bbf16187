// A context filled to the length a model reads: the jam's short phrases, compose's short primes.
#include <gtest/gtest.h>

#include <vector>

#include "midi/fill_context.hpp"

namespace mlstm {
namespace {

std::vector<int> pitches(const std::vector<NoteFeatures>& notes) {
  std::vector<int> out;
  for (const NoteFeatures& f : notes) out.push_back(f.pitch);
  return out;
}

TEST(FillContext, RepeatsAShortPhraseBeforeItself) {
  const std::vector<NoteFeatures> phrase = {
      {60, 0, 0.2, 80}, {64, 0.5, 0.2, 80}, {67, 0.5, 0.2, 80}};
  const auto filled = fill_context(phrase, 10);
  // The phrase last, as the newest notes; before it, as much of it again as fits, ending on its
  // last note.
  EXPECT_EQ(pitches(filled), (std::vector<int>{67, 60, 64, 67, 60, 64, 67, 60, 64, 67}));
  EXPECT_DOUBLE_EQ(filled[0].step, 0.0);
  // Each repeat, and the phrase itself, starts one mean step (0.5 s) after the last note.
  EXPECT_DOUBLE_EQ(filled[1].step, 0.5);
  EXPECT_DOUBLE_EQ(filled[4].step, 0.5);
  EXPECT_DOUBLE_EQ(filled[7].step, 0.5);
  for (std::size_t i = 7; i < 10; ++i) {
    EXPECT_EQ(filled[i].pitch, phrase[i - 7].pitch);
    EXPECT_DOUBLE_EQ(filled[i].duration, phrase[i - 7].duration);
  }
}

TEST(FillContext, AOneNotePhraseRepeatsHalfASecondApart) {
  const auto filled = fill_context({{62, 0.3, 0.1, 70}}, 4);
  EXPECT_EQ(pitches(filled), (std::vector<int>{62, 62, 62, 62}));
  EXPECT_DOUBLE_EQ(filled[0].step, 0.0);
  for (std::size_t i = 1; i < 4; ++i) EXPECT_DOUBLE_EQ(filled[i].step, 0.5);
}

TEST(FillContext, LeavesAnEmptyOrLongEnoughContextAsItIs) {
  EXPECT_TRUE(fill_context({}, 10).empty());
  const std::vector<NoteFeatures> phrase = {{60, 0, 0.2, 80}, {64, 0.5, 0.2, 80}};
  EXPECT_EQ(fill_context(phrase, 2), phrase);
  EXPECT_EQ(fill_context(phrase, 1), phrase);
  const auto filled = fill_context(phrase, 6);
  EXPECT_EQ(fill_context(filled, 6), filled);
}

}  // namespace
}  // namespace mlstm
