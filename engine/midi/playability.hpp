#pragma once
// What a listener hears of an answer before any finer judgement: how long it lasts, how many of
// its notes start at one instant, and how fast it moves. Two hands cannot start more than about
// ten notes together, and fifty notes of real piano music take seconds, not milliseconds: an
// answer that fails either is not music a pianist could play ("degenerate"). The decoder, the
// performer, `eval` and the tests all use these definitions, so a figure means the same
// everywhere.

#include <span>
#include <vector>

#include "midi/note_features.hpp"

namespace mlstm {

// Notes whose onsets lie within this of the first of them start "together" (a chord as played).
inline constexpr double kClusterWindowSeconds = 0.030;
// An answer is degenerate when it spans less than this from its first onset to its last...
inline constexpr double kMinAnswerSpanSeconds = 1.0;
// ...or when more than this many of its notes start together.
inline constexpr int kMaxPlayableCluster = 10;

struct Playability {
  int notes = 0;
  double span_seconds = 0.0;  // first onset to last onset
  int largest_cluster = 0;    // most onsets within any kClusterWindowSeconds
  // Notes over the time from the first onset to the last note's end: finite even for a chord.
  double notes_per_second = 0.0;
  bool degenerate() const {
    return notes > 1 &&
           (span_seconds < kMinAnswerSpanSeconds || largest_cluster > kMaxPlayableCluster);
  }
};

// The onsets of `notes` in seconds, the first at 0 (its own step, from the note before the
// sequence, is left out).
std::vector<double> onsets_from_steps(std::span<const NoteFeatures> notes);

// The most onsets (sorted ascending) within any window of `window` seconds.
int largest_cluster(std::span<const double> onsets, double window = kClusterWindowSeconds);

Playability measure_playability(std::span<const NoteFeatures> notes);

}  // namespace mlstm
