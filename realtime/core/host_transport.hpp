#pragma once
// The host's transport (a DAW's tempo, bar and beat position, playing or stopped) as a beat
// source of the jam, beside MIDI clock in, the metronome and the player (issue 34). The audio
// thread publishes what the host said at the start of each block; the performer's thread reads
// the newest whole snapshot. A standalone jam in an Ableton Link session gets its transport from
// Link (link/link_session.hpp), on the same path.
//
// The other way, the performer publishes the jam's own beat in a share of its own, which Link
// reads on the audio thread to lead the session while the jam is alone in it.
//
// The share is a sequence lock: the one writer (the audio thread) never waits, and a reader that
// raced a write simply reads again. Every field is an atomic, so neither side has a data race.

#include <atomic>
#include <cstdint>
#include <optional>

namespace mlstm::rt {

// Whose transport: a plugin host's, an Ableton Link session's, or the jam's own beat.
enum class TransportSource : std::uint8_t { kHost, kLink, kJam };

// What a host says about its transport at the start of a block.
struct HostTransport {
  bool valid = false;    // the host gives a tempo and a position at all
  bool playing = false;  // rolling (a stopped transport gives no beat to enter on)
  double bpm = 120.0;    // quarter notes a minute
  // Quarter notes from the song's start to the block's first frame, and where the bar that holds
  // it began (both in quarter notes).
  double beat = 0.0;
  double bar_start_beat = 0.0;
  double beats_per_bar = 4.0;  // the time signature's numerator
  TransportSource source = TransportSource::kHost;
};

// A transport as of one block: its beat grid in frames.
struct TransportBeat {
  double period = 0;     // frames a beat
  double phase = 0;      // the frame of a beat at or before the block's start
  std::int64_t bar = 0;  // the frame of the bar line at or before the block's start
  double bpm = 0;
  double beats_per_bar = 4;
  TransportSource source = TransportSource::kHost;
};

class TransportShare {
 public:
  // [audio-thread] What the host said for the block that starts at `block_start`.
  void publish(const HostTransport& t, std::int64_t block_start, int sample_rate) noexcept;
  // [one writer: the performer's thread, or the audio thread through the above] A beat grid as
  // it is (the jam's beat); nullopt: none.
  void publish(const std::optional<TransportBeat>& beat) noexcept;
  // [any thread] The beat grid while the host's transport plays; nullopt while it is stopped or
  // the host gives none.
  std::optional<TransportBeat> beat() const noexcept;

 private:
  std::atomic<std::uint64_t> sequence_{0};
  std::atomic<bool> playing_{false};
  std::atomic<double> period_{0}, phase_{0}, bpm_{0}, beats_per_bar_{4};
  std::atomic<std::int64_t> bar_{0};
  std::atomic<TransportSource> source_{TransportSource::kHost};
};

}  // namespace mlstm::rt
