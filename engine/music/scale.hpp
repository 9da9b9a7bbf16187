#pragma once
// Scales as sets of pitch classes: what a scale lock lets an answer play (SearchSettings::
// pitch_classes). Names as the command line, presets and the panel spell them: "D minor",
// "F# major", "Bb dorian", "A minor-pentatonic".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlstm::music {

enum class ScaleKind {
  kMajor,
  kMinor,  // natural minor (aeolian)
  kHarmonicMinor,
  kMelodicMinor,  // ascending form
  kDorian,
  kMixolydian,
  kMajorPentatonic,
  kMinorPentatonic,
  kBlues,  // minor pentatonic with the flat fifth
  // A minor key as its music sounds: the natural minor and the raised seventh (the leading tone)
  // together. What a lock to an estimated minor key allows (music/key_estimate.hpp).
  kMinorKey,
};

struct Scale {
  int tonic = 0;  // pitch class, C = 0
  ScaleKind kind = ScaleKind::kMajor;

  // Bit c set: pitch class c is in the scale.
  std::uint16_t pitch_classes() const;
  // "D minor", "F# major" (sharps for black keys, except Bb and Eb, as musicians write them).
  std::string name() const;
  bool operator==(const Scale&) const = default;
};

// "c", "C#", "Db", "d-flat", "F sharp": a pitch class, or nothing.
std::optional<int> parse_pitch_class(const std::string& text);
// "D minor", "f# major", "Bb-dorian", "A minor pentatonic": a scale, or nothing.
std::optional<Scale> parse_scale(const std::string& text);
// Every kind, in the order of ScaleKind (the panel's list).
const std::vector<ScaleKind>& all_scale_kinds();
// The kinds' names, for --help and error lines: "major, minor, harmonic-minor, ...".
std::string scale_kind_names();
const char* scale_kind_name(ScaleKind kind);
const char* pitch_class_name(int pitch_class);

}  // namespace mlstm::music
