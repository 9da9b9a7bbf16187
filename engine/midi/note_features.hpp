#pragma once
// The note sequence the models read and write: one row per note, in the order of note_order,
// with the time of a note given relative to the previous one.

#include <span>
#include <vector>

#include "midi/note.hpp"

namespace mlstm {

struct NoteFeatures {
  int pitch = 60;
  double step = 0.0;      // seconds from the previous note's start (0 for the first note)
  double duration = 0.0;  // seconds
  int velocity = 64;

  bool operator==(const NoteFeatures&) const = default;
};

// Sorts a copy of `notes` by start (ties by pitch) and turns it into features.
std::vector<NoteFeatures> to_features(std::span<const Note> notes);

// The inverse: notes on `channel` whose first note starts at `first_start` seconds.
std::vector<Note> from_features(std::span<const NoteFeatures> features, double first_start = 0.0,
                                int channel = 0);

}  // namespace mlstm
