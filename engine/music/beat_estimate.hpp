#pragma once
// The tempo and the beat of some notes: what the jam hears of the player's time, so that answers
// can enter on the beat and keep the player's tempo.
//
// The method is a metrical grid search, as in the beat trackers of Dixon (2001) and Ellis (2007),
// small enough for a phrase of a few dozen notes:
//  1. The notes' onsets are merged into events (a chord's notes within 40 ms are one event), each
//     with a salience: its notes' loudness and length, so a held chord or a bass note on the beat
//     counts more than a quick passing note.
//  2. For every beat period from 40 to 240 bpm (1% steps, then 0.1% around the best), and every
//     phase that puts a beat on an event, the score is the salience the beat grid catches (a
//     Gaussian of 25 ms around each beat) per beat in the phrase's span. A grid twice too fast
//     catches every event but leaves half its beats empty; one twice too slow has an event on
//     every beat but misses the music between them. A preference for tempos near 110 bpm
//     (log-Gaussian, one octave) settles what the notes leave open. At 1.5 octaves, eighth notes
//     accented on the beat at 120 bpm were heard at 240 bpm; the figures barely moved (generated
//     phrases of test_beat_estimate.cpp 96.2% right against 95.0% at one octave, steady MAESTRO
//     validation excerpts 48.5% against 45.8%: docs/BENCHMARKS.md, "Tempo and beat").
//  3. The best grid's period and phase are refined by a least-squares line through the events it
//     caught, against their beat numbers.
// Its accuracy on generated phrases and on MAESTRO performances: docs/BENCHMARKS.md ("Tempo and
// beat"), tests/unit/music/test_beat_estimate.cpp and tests/functional/time_and_key_on_maestro.cpp.

#include <span>
#include <vector>

#include "midi/note.hpp"

namespace mlstm::music {

struct BeatOptions {
  double min_bpm = 40, max_bpm = 240;
  double prior_bpm = 110;      // the tempo preferred when the notes leave the level open
  double prior_octaves = 1.0;  // the preference's width (standard deviation, in octaves)
  double tolerance = 0.025;    // seconds: how far from a beat an onset still counts for it
  double merge = 0.04;         // seconds: onsets closer than this are one event (a chord)
  double recency = 3.0;        // seconds: the half-life of an event's weight in the refinement
};

struct BeatEstimate {
  bool found = false;    // false: fewer than 4 events, or none at two beats' distance
  double period = 0.5;   // seconds a beat
  double phase = 0.0;    // the time of a beat (seconds, on the notes' clock)
  double fit = 0.0;      // share of the events' salience on the beats, 0..1
  double coverage = 0;   // share of the beats within the notes' span that have an event, 0..1
  double deviation = 0;  // seconds: root-mean-square distance of the events on the beats from them
  int events = 0;        // events the estimate saw

  double bpm() const { return 60.0 / period; }
  // The first beat at or after `t`.
  double next_beat(double t) const;
  // The beat nearest `t`.
  double nearest_beat(double t) const;
};

// The beat of `notes` (any order). Only their onsets, velocities and durations matter.
BeatEstimate estimate_beat(std::span<const Note> notes, const BeatOptions& options = {});

}  // namespace mlstm::music
