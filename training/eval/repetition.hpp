#pragma once
// How stuck a long composition is (the original project's next-note model "got stuck switching
// between 2 notes"): the longest run of consecutive notes that uses at most two pitches, and the
// share of distinct pitch 4-grams.

#include <span>

#include "midi/note_features.hpp"

namespace mlstm {

// The length of the longest run of consecutive notes among which there are at most 2 distinct
// pitches (a trill, a repeated note, an alternation); 0 for no notes.
int longest_two_pitch_run(std::span<const NoteFeatures> notes);

// Distinct pitch 4-grams over all 4-grams (1 = never repeats four notes; near 0 = a loop); 1 for
// fewer than 4 notes.
double distinct_four_gram_share(std::span<const NoteFeatures> notes);

}  // namespace mlstm
