// Keeping to a register (decode/register_keep.hpp): the player's register is the mean pitch of
// their last notes; an answer's cost is how far its register moves, half to half and from the
// player's.
#include <gtest/gtest.h>

#include <vector>

#include "decode/onset_limits.hpp"
#include "decode/register_keep.hpp"

namespace mlstm {
namespace {

std::vector<NoteFeatures> notes_of(const std::vector<int>& pitches) {
  std::vector<NoteFeatures> out;
  for (int p : pitches) out.push_back({p, 0.25, 0.2, 64});
  return out;
}

TEST(RegisterKeep, ThePlayersRegisterIsTheMeanOfTheirLastNotes) {
  // 8 low notes long ago, then kPaceNotes at 60 and 70: only the last ones count.
  std::vector<int> pitches(8, 30);
  for (std::size_t i = 0; i < kPaceNotes; ++i) pitches.push_back(i % 2 ? 70 : 60);
  EXPECT_DOUBLE_EQ(phrase_register(notes_of(pitches)), 65.0);
  EXPECT_DOUBLE_EQ(phrase_register(notes_of({48, 52})), 50.0);
  EXPECT_EQ(phrase_register({}), 0.0);
}

TEST(RegisterKeep, AnAnswersCostIsItsDriftAndItsDistanceFromThePlayer) {
  // First half at 60, second at 66: 6 semitones of drift; its mean 63 lies 3 from 60.
  const auto answer = notes_of({60, 60, 60, 66, 66, 66});
  EXPECT_DOUBLE_EQ(register_cost(answer, 0.0), 6.0);  // the player's unknown: the drift alone
  EXPECT_DOUBLE_EQ(register_cost(answer, 60.0), 9.0);
  EXPECT_DOUBLE_EQ(register_cost(answer, 66.0), 9.0);
  EXPECT_DOUBLE_EQ(register_cost(notes_of({62, 62, 62, 62}), 62.0), 0.0);
  EXPECT_DOUBLE_EQ(register_cost(notes_of({62}), 50.0), 12.0);
  EXPECT_EQ(register_cost({}, 60.0), 0.0);
}

}  // namespace
}  // namespace mlstm
