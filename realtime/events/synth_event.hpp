#pragma once
// What flows to and from the audio thread: one MIDI-like event with the audio frame it is due at.
// Plain data of 16 bytes, so the queues copy it without touching the heap.

#include <cstdint>

namespace mlstm::rt {

// Whose event it is: the recorder writes one track per voice, MIDI out forwards the model's.
// Who an event is for: the player's voice, the model's, or the jam's time (the metronome's click,
// heard and never recorded or sent to MIDI out; MIDI clock, sent out and never heard).
enum class Voice : std::uint8_t { kPlayer = 0, kModel = 1, kClick = 2 };

enum class EventKind : std::uint8_t {
  kNoteOn,          // data1 key, data2 velocity 1..127
  kNoteOff,         // data1 key
  kControl,         // data1 controller, data2 value (sustain pedal, volume, ...)
  kProgram,         // data1 General MIDI program
  kPitchBend,       // data1 LSB, data2 MSB
  kChannelSilence,  // all notes of `channel` off at once (the answer yields, a voice is muted)
  kPanic,           // every channel silent now and every pending event dropped
  kClock,           // MIDI clock out: data1 0xF8 (a pulse, 24 a quarter), 0xFA (start), 0xFC (stop)
};

// Where an event goes: heard (the synthesizer, the recorder) and sent (MIDI out). Both, but for
// the model's notes when MIDI out is compensated for an external synthesizer's latency: the
// performer then queues a heard copy at the note's frame and a sent copy that much earlier.
inline constexpr std::uint8_t kRouteHear = 1, kRouteSend = 2, kRouteBoth = kRouteHear | kRouteSend;

// An event due "now": applied at the first sample of the next block, never counted as late.
inline constexpr std::int64_t kFrameNow = -1;

struct SynthEvent {
  std::int64_t frame = kFrameNow;  // audio frame it is due at (the audio clock, from 0)
  EventKind kind = EventKind::kNoteOn;
  Voice voice = Voice::kPlayer;
  std::uint8_t channel = 0;  // 0..15
  std::uint8_t data1 = 0;
  std::uint8_t data2 = 0;
  std::uint8_t route = kRouteBoth;
};
static_assert(sizeof(SynthEvent) == 16);

inline SynthEvent note_on(std::int64_t frame, Voice voice, int channel, int key, int velocity) {
  return {frame,
          EventKind::kNoteOn,
          voice,
          static_cast<std::uint8_t>(channel),
          static_cast<std::uint8_t>(key),
          static_cast<std::uint8_t>(velocity)};
}
inline SynthEvent note_off(std::int64_t frame, Voice voice, int channel, int key) {
  return {frame,
          EventKind::kNoteOff,
          voice,
          static_cast<std::uint8_t>(channel),
          static_cast<std::uint8_t>(key),
          0};
}
inline SynthEvent control(std::int64_t frame, Voice voice, int channel, int controller, int value) {
  return {frame,
          EventKind::kControl,
          voice,
          static_cast<std::uint8_t>(channel),
          static_cast<std::uint8_t>(controller),
          static_cast<std::uint8_t>(value)};
}
inline SynthEvent program(Voice voice, int channel, int program_number) {
  return {kFrameNow,
          EventKind::kProgram,
          voice,
          static_cast<std::uint8_t>(channel),
          static_cast<std::uint8_t>(program_number),
          0};
}

}  // namespace mlstm::rt
