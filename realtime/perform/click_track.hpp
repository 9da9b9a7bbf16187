#pragma once
// The performer's click track: the jam's beat made audible (the metronome's clicks, a wood block
// on General MIDI's percussion channel, high on the bar line) and sent (MIDI clock out, 24 pulses
// a beat), both queued a little ahead of the beat they are given. It does not decide the beat;
// while the metronome is on, its start is a beat of its own, which the performer makes the jam's
// unless an external clock rules.
//
// Threads: the performer's tick alone.

#include <cstdint>
#include <functional>
#include <optional>

#include "events/synth_event.hpp"
#include "midi/clock_follower.hpp"
#include "perform/jam_settings.hpp"
#include "perform/player_beat.hpp"

namespace mlstm::rt {

// The metronome's click: General MIDI percussion (channel 10) wood blocks, high on the bar line;
// each click is queued this far ahead (the control thread wakes every 2 ms).
inline constexpr int kClickChannel = 9;
inline constexpr int kClickBarKey = 76, kClickBeatKey = 77;
inline constexpr double kClickAheadSeconds = 0.1;
// MIDI clock out: 24 pulses a beat (a quarter note), queued as far ahead as the clicks.
inline constexpr int kClockPulsesPerBeat = kClockPulses;

class ClickTrack {
 public:
  // Where its events go (the performer's queue to the audio thread).
  using Sink = std::function<void(const SynthEvent&)>;

  ClickTrack(int sample_rate, int buffer_frames, Sink sink);

  // The metronome, (re)started one buffer ahead when it is turned on or its tempo, bar or count-in
  // changes; stopped when turned off. Returns its beat while it runs.
  std::optional<PlayerBeat> update_metronome(std::int64_t now, const JamSettings& s);
  bool metronome_running() const { return metronome_start_ >= 0; }
  // Starts the metronome afresh at its next update (an external clock stopped).
  void restart_metronome() { metronome_start_ = -1; }
  // Queues the clicks due within kClickAheadSeconds on `beat` (the jam's: the metronome's own, or
  // an external clock's while that rules); a count-in stops after its bars.
  void queue_clicks(std::int64_t now, const JamSettings& s, const PlayerBeat& beat);
  // MIDI clock out: started on a beat once there is one, its pulses on `beat`'s grid as it
  // changes, stopped when the knob is turned off; sent `lead` frames early (the out-latency
  // knob), like the model's notes.
  void update_clock_out(std::int64_t now, const JamSettings& s,
                        const std::optional<PlayerBeat>& beat, std::int64_t lead);

 private:
  int sample_rate_, buffer_frames_;
  Sink sink_;
  std::int64_t metronome_start_ = -1;  // the frame of its first click; -1 while off
  JamSettings metronome_settings_;     // the settings it started with
  std::int64_t clicks_ = 0;            // clicks queued since it started
  std::int64_t next_click_ = -1;       // no click before this frame
  bool clock_running_ = false;         // MIDI clock out started
  double next_pulse_ = 0;              // the frame of its next pulse (fractional: no drift)
};

}  // namespace mlstm::rt
