#pragma once
// The performer's tempo map: the jam's beat, from its beat sources in order of rule: the host's
// transport while it plays (a DAW the jam runs inside: its bars are the song's; or an Ableton Link
// session the standalone jam joined, while others are in it), MIDI clock in
// while a clock runs and the knob is on, the metronome while it is on, else the beat heard in the
// player's notes. The entry knob, the answer's tempo, the click track, the re-timing of an answer
// and the panel all read the beat here.
//
// Threads: the performer's tick alone (the host's transport comes through its sequence lock).

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "core/host_transport.hpp"
#include "midi/clock_follower.hpp"
#include "perform/jam_settings.hpp"
#include "perform/player_beat.hpp"

namespace mlstm::rt {

// The player's beat is estimated from their notes of the last kBeatSeconds
// (music/beat_estimate.hpp) at every phrase end, and every kBeatUpdateSeconds while they play. At
// most kBeatNotes of them (the newest): the estimate costs a few milliseconds at that size.
inline constexpr double kBeatSeconds = 10.0;
inline constexpr int kBeatNotes = 48;
inline constexpr double kBeatUpdateSeconds = 0.25;
// With the answer-tempo knob at "player", the model hears the player's phrase time-scaled to
// kModelTempoBpm, and its answer is played back scaled to the player's tempo: every phrase reaches
// the model at one moderate tempo, and the answer keeps the player's beat whatever the model's
// habits at other tempos. The scale stays within these (40 to 240 bpm around 120 is 3x; an answer
// is not played at more than twice or less than half its speed).
inline constexpr double kModelTempoBpm = 120.0;
inline constexpr double kMinTempoFactor = 0.5, kMaxTempoFactor = 2.0;

class TempoMap {
 public:
  explicit TempoMap(int sample_rate) : sample_rate_(sample_rate), clock_in_(sample_rate) {}

  // The host's transport, when a host drives the jam; before the first tick.
  void set_host_transport(const TransportShare* transport) { transport_ = transport; }
  // A MIDI clock message heard at `frame` (a pulse, start, continue or stop).
  void on_clock(std::uint8_t status, std::int64_t frame) { clock_in_.on_message(status, frame); }

  // Reads the external sources at `now`. Returns a line when one began or stopped ruling
  // ("following MIDI clock in at 120.0 bpm"), else empty; `stopped` is set when one stopped (the
  // jam's own beat, the metronome's or the player's, is heard afresh).
  std::string update_external(std::int64_t now, const JamSettings& s, bool& stopped);
  // The metronome's beat while it runs (none: off); `was_running`, it ran until now. Rules
  // unless an external source does.
  void set_metronome(const std::optional<PlayerBeat>& metronome, bool was_running);
  // Hears the beat in the player's notes `recent` (the newest kBeatNotes of the last
  // kBeatSeconds; a held note lasts until `now`), unless an external source or the metronome
  // rules. `phrase_start`: the phrase's first note, whose nearest beat is a bar line (-1: none).
  void hear_player(std::int64_t now, const std::deque<PlannedNote>& recent,
                   std::int64_t phrase_start, bool metronome_running);
  // Whether the player's beat is due to be heard again at `frame`: every kBeatUpdateSeconds
  // while they play, and at once when `released` (the last key went up).
  bool player_beat_due(std::int64_t frame, bool released) const;

  const std::optional<PlayerBeat>& beat() const { return beat_; }
  bool following_external() const { return following_; }
  // Where an answer due at `frame` enters, by the entry knob (freely while no beat is heard).
  std::int64_t entry_frame(std::int64_t frame, const JamSettings& s) const;
  // With the answer-tempo knob at "player": the player's beat over kModelTempoBpm's (else 1).
  double tempo_factor(const JamSettings& s) const;

 private:
  int sample_rate_;
  std::optional<PlayerBeat> beat_;
  std::int64_t beat_updated_ = -1;  // the frame of the last estimate from the player's notes
  ClockFollower clock_in_;
  bool following_ = false;                 // an external beat rules: the host's or the clock's
  const char* external_source_ = "clock";  // "host", "link" or "clock", while following_
  const TransportShare* transport_ = nullptr;
};

}  // namespace mlstm::rt
