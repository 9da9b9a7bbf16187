#pragma once
// The key of some notes, by the Krumhansl-Schmuckler algorithm (Krumhansl, "Cognitive
// Foundations of Musical Pitch", 1990): the notes' pitch-class distribution, each weighted by how
// long it sounds, is correlated with a key profile rotated to each of the 24 major and minor
// keys; the best correlation names the key. The profiles are Temperley's (key_estimate.cpp says
// why). It needs no training and runs in microseconds, so the jam re-estimates on every note.

#include <array>
#include <span>

#include "midi/note.hpp"
#include "midi/note_features.hpp"
#include "music/scale.hpp"

namespace mlstm::music {

// How long each pitch class sounds, in seconds (C = 0).
using PitchClassWeights = std::array<double, 12>;

// Each note's duration, capped at `kMaxNoteWeight` seconds: a bass note held under the pedal for
// ten seconds says no more about the key than one held for two.
inline constexpr double kMaxNoteWeight = 2.0;
PitchClassWeights pitch_class_weights(std::span<const Note> notes);
PitchClassWeights pitch_class_weights(std::span<const NoteFeatures> notes);

struct KeyEstimate {
  Scale key;               // kMajor or kMinor
  double correlation = 0;  // with the key's profile, -1..1
  double runner_up = 0;    // the second-best key's correlation
  bool found = false;      // false: no notes, or every pitch class equally
};

// The likeliest of the 24 keys.
KeyEstimate estimate_key(const PitchClassWeights& weights);

// A key as a scale lock plays it: major as the major scale, minor as the natural minor with the
// leading tone (ScaleKind::kMinorKey), since music in a minor key uses both sevenths.
Scale lock_scale(const Scale& key);

}  // namespace mlstm::music
