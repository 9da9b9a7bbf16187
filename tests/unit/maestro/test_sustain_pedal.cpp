// Durations as heard under the sustain pedal: extended to the pedal's release, cut by the same key
// struck again, untouched without a pedal or on another channel.
#include <gtest/gtest.h>

#include "data/sustain_pedal.hpp"

namespace mlstm {
namespace {

TEST(SustainPedal, ANoteReleasedUnderThePedalSoundsUntilThePedalComesUp) {
  const std::vector<Note> notes = {
      {60, 80, 0.0, 0.5, 0, 0}, {64, 80, 1.0, 1.2, 0, 0}, {67, 80, 3.0, 3.5, 0, 0}};
  const std::vector<PedalEvent> pedal = {{0.2, 64, 127, 0, 0}, {2.0, 64, 0, 0, 0}};
  const auto out = apply_sustain_pedal(notes, pedal);
  EXPECT_DOUBLE_EQ(out[0].end, 2.0);  // released at 0.5, pedal down from 0.2 to 2.0
  EXPECT_DOUBLE_EQ(out[1].end, 2.0);
  EXPECT_DOUBLE_EQ(out[2].end, 3.5);  // after the pedal: as played
}

TEST(SustainPedal, TheSameKeyStruckAgainStopsTheString) {
  const std::vector<Note> notes = {{60, 80, 0.0, 0.3, 0, 0}, {60, 80, 1.0, 1.3, 0, 0}};
  const std::vector<PedalEvent> pedal = {{0.0, 64, 100, 0, 0}, {4.0, 64, 0, 0, 0}};
  const auto out = apply_sustain_pedal(notes, pedal);
  EXPECT_DOUBLE_EQ(out[0].end, 1.0);
  EXPECT_DOUBLE_EQ(out[1].end, 4.0);
}

TEST(SustainPedal, OnlyItsOwnChannelAndAPedalHeldToTheEnd) {
  const std::vector<Note> notes = {
      {60, 80, 0.0, 0.5, 0, 0}, {48, 80, 0.0, 0.5, 1, 1}, {62, 80, 2.0, 2.5, 0, 0}};
  const std::vector<PedalEvent> pedal = {{0.1, 64, 127, 1, 1}};  // channel 1, never released
  const auto out = apply_sustain_pedal(notes, pedal);
  EXPECT_DOUBLE_EQ(out[0].end, 0.5);
  EXPECT_DOUBLE_EQ(out[1].end, 2.5);  // held to the last key's release
  EXPECT_EQ(apply_sustain_pedal(notes, {}), notes);
}

}  // namespace
}  // namespace mlstm
