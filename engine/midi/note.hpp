#pragma once
// A note and a pedal event as the rest of music-lstm sees them: times in seconds, no ticks.

#include <cstdint>

namespace mlstm {

struct Note {
  int pitch = 60;      // 0..127
  int velocity = 64;   // 1..127
  double start = 0.0;  // seconds from the start of the file
  double end = 0.0;    // seconds; end >= start
  int channel = 0;     // 0..15
  int track = 0;       // index of the MTrk chunk the note-on came from

  double duration() const { return end - start; }
  bool operator==(const Note&) const = default;
};

// The sustain (damper) pedal's controller number, and where a switch controller such as a pedal
// reads as pressed (MIDI 1.0: 0 to 63 off, 64 to 127 on).
constexpr int kSustainPedal = 64;
constexpr bool switch_pressed(int value) {
  return value >= 64;
}
// The other two piano pedals: recordings keep them (the player's performance as played), the
// model does not read them.
constexpr int kSostenutoPedal = 66;
constexpr int kSoftPedal = 67;
constexpr bool is_piano_pedal(int controller) {
  return controller == kSustainPedal || controller == kSostenutoPedal || controller == kSoftPedal;
}

// A controller change we keep. Only the sustain pedal (CC64) is kept today; `controller` is stored
// so the soft and sostenuto pedals can follow without a format change.
struct PedalEvent {
  double time = 0.0;  // seconds
  int controller = kSustainPedal;
  int value = 0;  // 0..127; >= 64 means pressed for CC64
  int channel = 0;
  int track = 0;

  bool operator==(const PedalEvent&) const = default;
};

// Order of notes everywhere in the project: by start time, ties by pitch, then channel and track,
// so that sorting is deterministic.
inline bool note_order(const Note& a, const Note& b) {
  if (a.start != b.start) return a.start < b.start;
  if (a.pitch != b.pitch) return a.pitch < b.pitch;
  if (a.channel != b.channel) return a.channel < b.channel;
  return a.track < b.track;
}

}  // namespace mlstm
