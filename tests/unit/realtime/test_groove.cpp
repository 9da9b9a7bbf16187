// The groove (perform/groove.hpp): which grid the player's onsets sit on, and an answer's onsets
// drawn to it without breaking chords, order or the cluster limit.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "perform/groove.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000;

// A beat at 120 bpm (24,000 frames) through frame 1,000.
PlayerBeat beat_120() {
  PlayerBeat b;
  b.period = 24000;
  b.phase = 1000;
  b.bpm = 120;
  b.source = "clock";
  return b;
}

// Onsets at these fractions of successive beats.
std::vector<std::int64_t> onsets_at(const PlayerBeat& b, std::initializer_list<double> fractions,
                                    int beats) {
  std::vector<std::int64_t> out;
  for (int k = 0; k < beats; ++k) {
    for (const double f : fractions) {
      out.push_back(std::llround(b.phase + (k + f) * b.period));
    }
  }
  return out;
}

TEST(Groove, TheGridIsTheOneThePlayerPlayedOn) {
  const PlayerBeat b = beat_120();
  EXPECT_EQ(grid_of_playing(b, onsets_at(b, {0.0, 0.25, 0.5, 0.75}, 4)).kind,
            GridKind::kSixteenths);
  EXPECT_EQ(grid_of_playing(b, onsets_at(b, {0.0, 0.5}, 4)).kind, GridKind::kSixteenths);
  EXPECT_EQ(grid_of_playing(b, onsets_at(b, {0.0, 1.0 / 3, 2.0 / 3}, 4)).kind, GridKind::kTriplets);
  const BeatGrid swung = grid_of_playing(b, onsets_at(b, {0.0, 0.6}, 4));
  EXPECT_EQ(swung.kind, GridKind::kSwing);
  EXPECT_NEAR(swung.swing, 0.6, 1e-3);
  EXPECT_EQ(swung.name(), "swing 0.60");
  // Too few notes to tell: sixteenths.
  EXPECT_EQ(grid_of_playing(b, onsets_at(b, {0.0, 1.0 / 3, 2.0 / 3}, 1)).kind,
            GridKind::kSixteenths);
}

TEST(Groove, OnsetsMoveTheirShareOfTheWayToTheNearestPointAndKeepTheirLengths) {
  const PlayerBeat b = beat_120();
  // 2,000 frames after a sixteenth (6,000 frames a sixteenth), and 1,000 before the next beat.
  std::vector<PlannedNote> notes = {{60, 80, 1000 + 6000 + 2000, 1000 + 6000 + 2000 + 3000},
                                    {62, 80, 1000 + 24000 - 1000, 1000 + 24000 - 1000 + 500}};
  std::vector<PlannedNote> half = notes;
  draw_to_grid(half, b, BeatGrid{}, 0.5, kRate);
  EXPECT_EQ(half[0].start, 1000 + 6000 + 1000);
  EXPECT_EQ(half[0].end - half[0].start, 3000);
  EXPECT_EQ(half[1].start, 1000 + 24000 - 500);
  draw_to_grid(notes, b, BeatGrid{}, 1.0, kRate);
  EXPECT_EQ(notes[0].start, 1000 + 6000);
  EXPECT_EQ(notes[1].start, 1000 + 24000);
  EXPECT_EQ(notes[1].end - notes[1].start, 500);
  // Nothing moves at 0.
  std::vector<PlannedNote> none = {{60, 80, 12345, 13000}};
  draw_to_grid(none, b, BeatGrid{}, 0.0, kRate);
  EXPECT_EQ(none[0].start, 12345);
}

TEST(Groove, AChordStaysAChordAndAFastRunIsNotSqueezedIntoOne) {
  const PlayerBeat b = beat_120();
  // A chord of three 500 frames after a beat, then a run of four notes 40 ms (1,920 frames)
  // apart from a sixteenth: further apart than the cluster window (30 ms, 1,440 frames).
  std::vector<PlannedNote> notes;
  for (int p : {60, 64, 67}) notes.push_back({p, 80, 1500, 9000});
  for (int i = 0; i < 4; ++i) {
    notes.push_back({70 + i, 80, 1000 + 6000 + 1920 * i, 1000 + 6000 + 1920 * i + 400});
  }
  draw_to_grid(notes, b, BeatGrid{}, 1.0, kRate);
  EXPECT_EQ(notes[0].start, 1000);  // on the beat, all three
  EXPECT_EQ(notes[1].start, notes[0].start);
  EXPECT_EQ(notes[2].start, notes[0].start);
  // The run's first note on its sixteenth, its third on the next; none closer than 30 ms to the
  // one before, in order.
  EXPECT_EQ(notes[3].start, 1000 + 6000);
  EXPECT_EQ(notes[5].start, 1000 + 12000);
  for (std::size_t i = 4; i < notes.size(); ++i) {
    EXPECT_GE(notes[i].start - notes[i - 1].start, 1440) << i;
  }
}

TEST(Groove, ARolledChordMovesAsOneItsSpreadDrawnInByTheSameShare) {
  const PlayerBeat b = beat_120();
  // Three onsets 10 ms (480 frames) apart, 500 frames after a beat: one chord, rolled.
  std::vector<PlannedNote> notes = {
      {60, 80, 1500, 9000}, {64, 80, 1980, 9000}, {67, 80, 2460, 9000}};
  draw_to_grid(notes, b, BeatGrid{}, 0.5, kRate);
  EXPECT_EQ(notes[0].start, 1250);
  EXPECT_EQ(notes[1].start, 1250 + 240);
  EXPECT_EQ(notes[2].start, 1250 + 480);
  EXPECT_EQ(notes[2].end - notes[2].start, 9000 - 2460);  // its length kept
}

TEST(Groove, OnACoarserGridWhatIsLeftIsNoMoreThanOnTheSixteenths) {
  const PlayerBeat b = beat_120();
  const BeatGrid triplets{GridKind::kTriplets};
  // 3,500 frames before the triplet at 8,000 (a half sixteenth is 3,000): three quarters of the
  // way would leave 875 frames; what is left is a quarter of the half sixteenth, 750.
  std::vector<PlannedNote> notes = {{60, 80, 1000 + 4500, 1000 + 6500}};
  draw_to_grid(notes, b, triplets, 0.75, kRate);
  EXPECT_EQ(notes[0].start, 1000 + 8000 - 750);
}

TEST(Groove, ASwungGridDrawsTheOffBeatToThePlayersSwing) {
  const PlayerBeat b = beat_120();
  BeatGrid swung{GridKind::kSwing};
  swung.swing = 2.0 / 3;
  std::vector<PlannedNote> notes = {{60, 80, 1000 + 12000, 1000 + 14000}};  // a straight eighth
  draw_to_grid(notes, b, swung, 1.0, kRate);
  EXPECT_EQ(notes[0].start, 1000 + 16000);
}

}  // namespace
}  // namespace mlstm::rt
