#pragma once
// An answer drawn to the beat's grid (issue 36). While a clock, the metronome or a host's
// transport gives the jam its beat and the answer plays in the player's tempo, each of its
// onsets moves `groove` of the way (0: as the model played it; 1: on the grid) to the nearest
// point of the beat divided as the player divides it: sixteenths, eighth-note triplets, or
// eighths swung as the player swings them. Against a drum machine the rhythm then sits in its
// grid instead of floating over it.
//
// What a listener would hear as broken is kept: notes that start together still do (a chord is
// the onsets within the playability limit's cluster window of its first, and moves as one), the
// order of onsets is kept, and no onset comes closer to the one before than it was, or than the
// cluster window if it was further (a fast run is not squeezed into a chord).
//
// Threads: the performer's tick.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "perform/jam_settings.hpp"
#include "perform/player_beat.hpp"

namespace mlstm::rt {

enum class GridKind { kSixteenths, kTriplets, kSwing };

struct BeatGrid {
  GridKind kind = GridKind::kSixteenths;
  double swing = 0.5;  // kSwing: where the off-beat eighth falls, in beats (0.5 is straight)
  // The grid's points within one beat, in beats, ascending from 0.
  std::vector<double> points() const;
  // "sixteenths", "triplets", "swing 0.64".
  std::string name() const;
};

// The grid the player's `onsets` (frames) sit on best against `beat`: sixteenths, unless
// eighth-note triplets or swung eighths fit them clearly better (a mean distance under 0.7 times
// the sixteenths'). Fewer than 6 onsets: sixteenths.
BeatGrid grid_of_playing(const PlayerBeat& beat, std::span<const std::int64_t> onsets);

// The grid an answer scheduled now is drawn to: the one the `player`'s recent notes sit on, when
// the groove knob is on, the answer is in the player's tempo and the beat is a clock's, the
// metronome's or a host's (the beat the player's own notes give is a guess, and an answer drawn
// to a guess floats as much as one that is not); else none. The panel draws it.
std::optional<BeatGrid> answer_grid(const JamSettings& s, const std::optional<PlayerBeat>& beat,
                                    const std::deque<PlannedNote>& player);

// Moves each note's start `amount` (0..1) of the way to the nearest point of `grid` on `beat`, its
// end with it (its length kept), as the header says; what is left of its distance is at most
// 1 - `amount` of half a sixteenth, on any grid. Notes sorted by start.
void draw_to_grid(std::vector<PlannedNote>& notes, const PlayerBeat& beat, const BeatGrid& grid,
                  double amount, int sample_rate);

}  // namespace mlstm::rt
