#pragma once
// The performer's units of time. A beat of the jam in frames: the unit every beat source gives (the
// host's transport, MIDI clock in, the metronome, the player's notes) and the entry knob, the
// answer's tempo, the click track and the panel read.

#include <cmath>
#include <cstdint>

namespace mlstm::rt {

// `seconds` at `rate` frames a second, to the nearest frame.
inline std::int64_t to_frames(double seconds, int rate) {
  return static_cast<std::int64_t>(std::llround(seconds * rate));
}

// The player's beat as the performer and the panel use it, in frames.
struct PlayerBeat {
  double period = 0;      // frames a beat
  double phase = 0;       // the frame of a beat
  std::int64_t bar = -1;  // the frame of a bar line: the beat nearest the phrase's first note
  double bpm = 0;
  // "host" (its transport), "link" (an Ableton Link session), "clock" (MIDI clock in),
  // "metronome"
  const char* source = "playing";
  // Beats in the source's bar (the host's time signature); 0: the beats-per-bar knob's.
  int bar_beats = 0;
  // Where beats are counted from: the bar line when there is one (beat 0 is then a downbeat).
  double anchor() const { return bar >= 0 ? static_cast<double>(bar) : phase; }
  // The first beat (or with `bars`, bar line of `beats_per_bar` beats) at or after `frame`.
  std::int64_t next(std::int64_t frame, int beats_per_bar = 1) const;
};

// A note in frames: the model's as scheduled (the piano roll), the player's as heard (-1: held).
struct PlannedNote {
  int pitch = 0, velocity = 0;
  std::int64_t start = 0, end = 0;
};

}  // namespace mlstm::rt
