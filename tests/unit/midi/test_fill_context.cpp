// A context filled to the length a model reads: the jam's short phrases, compose's short primes;
// the context of a continuous chain's next part.
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

std::vector<NoteFeatures> run(int first, int count) {
  std::vector<NoteFeatures> out;
  for (int i = 0; i < count; ++i) out.push_back({first + i, 0.25, 0.2, 64});
  return out;
}

TEST(ChainContext, KeepsThePlayersLastNotesAtItsHead) {
  const auto player = run(40, 32), chain = run(80, 40);
  const auto c = chain_context(player, chain, 32);
  ASSERT_EQ(c.size(), 32u);
  // The player's last kChainAnchorNotes (56..71), then the chain's newest (104..119).
  EXPECT_EQ(c[0].pitch, 72 - static_cast<int>(kChainAnchorNotes));
  EXPECT_EQ(c[kChainAnchorNotes - 1].pitch, 71);
  EXPECT_EQ(c[kChainAnchorNotes].pitch, 120 - static_cast<int>(32 - kChainAnchorNotes));
  EXPECT_EQ(c.back().pitch, 119);
}

TEST(ChainContext, AShortChainLeavesMoreOfThePlayer) {
  const auto c = chain_context(run(40, 32), run(80, 5), 32);
  ASSERT_EQ(c.size(), 32u);
  EXPECT_EQ(c[0].pitch, 45);  // the player's last 27
  EXPECT_EQ(c[26].pitch, 71);
  EXPECT_EQ(c[27].pitch, 80);
  EXPECT_EQ(chain_context(run(40, 32), {}, 32), run(40, 32));
}

TEST(ChainContext, ThePlayerKeepsAtMostHalfAShortContext) {
  // A model that reads 8 notes: the player's last 4, the chain's newest 4.
  const auto c = chain_context(run(40, 32), run(80, 40), 8);
  EXPECT_EQ(pitches(c), (std::vector<int>{68, 69, 70, 71, 116, 117, 118, 119}));
  // A player of 3 notes keeps 3; together shorter than the model reads, all of both.
  EXPECT_EQ(pitches(chain_context(run(40, 3), run(80, 40), 32))[2], 42);
  EXPECT_EQ(chain_context(run(40, 3), run(80, 4), 32).size(), 7u);
}

}  // namespace
}  // namespace mlstm
