#pragma once
// Playability while decoding: the earliest moment the next note of an answer may start, so that
// whatever the model prefers and whatever the knobs say, the answer is one a pianist could play
// (midi/playability.hpp). Two rules, both on onsets:
//   - cluster: no more than `max_cluster` onsets within kClusterWindowSeconds (the context's last
//     notes count too, so a chord cannot grow across the answer's start);
//   - pace: note n of the answer (from 0) starts no earlier than (n - max_cluster) / max_pace
//     seconds after its first note: a burst of a chord or two is allowed, but fifty notes cannot
//     be crammed into an instant, however likely each small step is on its own.
// Beam search keeps one OnsetLimits per beam and masks the step classes below min_step()
// (decode/beam_search.cpp). Torch-free, so it is tested on its own.

#include <algorithm>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "midi/note_features.hpp"
#include "midi/playability.hpp"

namespace mlstm {

// The decoder's limits: what 99% of real piano music keeps. In 14,332 windows of 50 notes from 120
// MAESTRO train performances (scripts/playability_stats.py, docs/MODELS.md "Playability") the
// largest cluster was 4 at the median, 8 at the 99th percentile (0.26% of windows had more); the
// pace the rule needs with a burst of 8 was 11.5 notes a second at the median, 33.4 at the 99th
// percentile (fast runs and trills). They are floors against what no pianist plays; how an answer
// moves within them is the model's and the timing's (SearchSettings::sample_timing).
inline constexpr int kDefaultMaxCluster = 8;
inline constexpr double kDefaultMaxPace = 34.0;  // notes a second
// The knobs' ranges: even at their loosest, an answer of 50 notes spans at least
// (49 - kMaxPlayableCluster) / kMaxPaceLimit = 1.08 s > kMinAnswerSpanSeconds, and no cluster is
// over kMaxPlayableCluster, so no setting can decode a degenerate answer.
inline constexpr double kMinPaceLimit = 1.0, kMaxPaceLimit = 36.0;
// The pace limit tied to the player's (SearchSettings::pace_ratio): up to eight times as fast as
// the player (below 1: answers slower than the phrase).
inline constexpr double kMaxPaceRatio = 8.0;

// The pace limit of one answer: `max_pace`, or with a ratio and a known player's pace, ratio times
// that pace when it is lower (never under kMinPaceLimit).
inline double answer_pace_limit(double max_pace, double player_pace, double pace_ratio) {
  if (!(pace_ratio > 0.0) || !(player_pace > 0.0)) return max_pace;
  return std::clamp(pace_ratio * player_pace, kMinPaceLimit, max_pace);
}

// The pace of a player's last kPaceNotes notes (of `notes`, oldest first), notes a second, for
// SearchSettings::player_pace: the notes after the first over the time they took, where a step
// longer than `max_rest` (a rest between phrases) counts neither as time nor as a note; at least
// kMinPhraseSeconds of time, so a chord alone is not infinitely fast. 0 when no step counts (a
// single note).
inline constexpr double kMinPhraseSeconds = 0.5;
inline constexpr std::size_t kPaceNotes = 16;
double phrase_pace(std::span<const NoteFeatures> notes,
                   double max_rest = std::numeric_limits<double>::infinity());

class OnsetLimits {
 public:
  // `context`: the notes before the answer, oldest first (only the last max_cluster matter).
  // `time_scale`: the answer is played with its times multiplied by this (the jam's tempo knob),
  // so the limits are kept in the time the listener hears. Throws std::invalid_argument for
  // settings onset_limits_error() refuses.
  OnsetLimits(std::span<const NoteFeatures> context, int max_cluster, double max_pace,
              double time_scale = 1.0);

  // The smallest step (seconds from the previous note's onset) the next note may take.
  double min_step() const;
  // The next note took `step` (clamped at 0 as measure_playability does).
  void add(double step);

 private:
  int max_cluster_;
  double max_pace_;  // in the decoder's time
  double window_;    // the cluster window, in the decoder's time
  // The latest onsets, at most max_cluster of them, relative to the context's last onset (0).
  std::vector<double> recent_;
  double last_onset_ = 0.0;
  double first_answer_onset_ = 0.0;
  int answer_notes_ = 0;
};

// What is wrong with the limits' settings, in one line; empty when nothing is.
inline std::string onset_limits_error(int max_cluster, double max_pace) {
  if (max_cluster < 1 || max_cluster > kMaxPlayableCluster) {
    return "the cluster limit must be 1 to " + std::to_string(kMaxPlayableCluster) + " notes";
  }
  if (!(max_pace >= kMinPaceLimit && max_pace <= kMaxPaceLimit)) {
    return "the pace limit must be 1 to 36 notes a second";
  }
  return {};
}

}  // namespace mlstm
