#pragma once
// The standalone jam in an Ableton Link session (issue 36): tempo and beat phase shared with other
// apps on this machine or the network. While the session has other peers, its tempo, beat and bar
// (the quantum: the beats-per-bar knob) are the jam's: a transport for the core
// (core/transport_provider.hpp), after a plugin host's and before MIDI clock in in the tempo
// map's order. While the jam is alone in it, the jam's own beat (the player's, the metronome's, a
// clock's) sets the session's tempo and phase (lead()), so that an app that joins starts in the
// player's time.
//
// Link's time is its clock (CLOCK_MONOTONIC_RAW on Linux, in microseconds). As Link's
// documentation asks, a block's first frame is mapped onto it at the moment that frame will be
// heard: on a device, the callback's time smoothed over the last blocks (link/frame_clock.hpp)
// plus the output latency; offline, a fixed origin plus the frame's time, the render paced to the
// clock (set_origin()). The audio thread publishes the newest (frame, time) pair, by which lead()
// places the jam's beat on Link's clock.
//
// The audio thread only reads the session (Link's audio-thread capture is a lock-free triple
// buffer); the jam leads it from the main thread through Link's application-thread calls, since
// Link's audio-thread commit wakes its own thread (a condition variable) and RealtimeSanitizer
// rightly reports that.
//
// Threads:
//   [main-thread]  construction, enable(), set_origin(), lead(), poll(), destruction;
//   [audio-thread] at_block() (tests/realtime/rtsan_link.cpp runs it under RealtimeSanitizer);
//   [any thread]   the rest.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/transport_provider.hpp"

namespace mlstm::rt {

class LinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// This build has Ableton Link (ableton-link-dev was there when it was configured).
bool link_built();

class LinkSession final : public TransportProvider {
 public:
  // [main-thread] Not yet enabled; `bpm`: the tempo the session starts at if no peer is there.
  // Throws LinkError in a build without Link.
  explicit LinkSession(double bpm = 120.0);
  ~LinkSession() override;
  LinkSession(const LinkSession&) = delete;
  LinkSession& operator=(const LinkSession&) = delete;

  // [main-thread] Joins (true) or leaves the session.
  void enable(bool on);
  bool enabled() const noexcept { return enabled_.load(std::memory_order_relaxed); }
  // [any thread] The other peers in the session now.
  std::size_t peers() const noexcept;
  // [any thread] Link's clock now.
  std::chrono::microseconds now() const noexcept;
  // [any thread] The session's tempo as the audio thread last saw it (0 before).
  double tempo() const noexcept { return tempo_.load(std::memory_order_relaxed); }

  // [any thread] The bar's beats (Link's quantum: bar lines agree across the session).
  void set_quantum(int beats) noexcept { quantum_.store(beats > 0 ? beats : 4); }
  // [any thread] On a device: the output latency, from the callback to the speaker.
  void set_output_latency(std::chrono::microseconds latency) noexcept {
    latency_us_.store(latency.count(), std::memory_order_relaxed);
  }
  // [main-thread, before the first block] Offline: frame 0 is heard at `origin` on Link's clock
  // and frame f at origin + f / rate (the render must be paced to the clock for that to hold).
  void set_origin(std::chrono::microseconds origin) noexcept {
    origin_us_.store(origin.count(), std::memory_order_relaxed);
  }
  // When frame `frame` is heard on Link's clock, offline (set_origin()).
  std::chrono::microseconds offline_time(std::int64_t frame, int sample_rate) const noexcept;

  // TransportProvider [audio-thread]
  HostTransport at_block(std::int64_t block_start,
                         int sample_rate) noexcept MLSTM_NONBLOCKING override;

  // [main-thread] While the jam is alone in the session: `jam`, the jam's own beat (the
  // performer's, in frames), sets the session's tempo, and its bar lines Link's phase, when they
  // differ (by more than 0.01 bpm or half a millisecond). Nothing while others are in the
  // session, or when `jam` is Link's own beat or none. Returns whether it changed the session.
  bool lead(const std::optional<TransportBeat>& jam);

  // [main-thread] A line when the peers came or went since the last call ("Link: 1 peer in the
  // session at 100.0 bpm: the jam follows it"), else empty.
  std::string poll();
  // [any thread] The panel's line: "Link: 2 peers at 128.0 bpm", "Link: alone, the jam's beat
  // leads" (empty while off).
  std::string status() const;

  struct Impl;  // Link's types stay in the .cpp

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> enabled_{false};
  std::atomic<int> quantum_{4};
  std::atomic<std::int64_t> latency_us_{0};
  std::atomic<std::int64_t> origin_us_{-1};  // >= 0: offline
  std::atomic<double> tempo_{0};
  // The audio thread's newest block: its first frame, when that is heard on Link's clock, and the
  // sample rate; a sequence lock (odd: a write under way).
  std::atomic<std::uint64_t> block_sequence_{0};
  std::atomic<std::int64_t> block_frame_{0}, block_heard_us_{0};
  std::atomic<int> block_rate_{0};
  std::size_t reported_ = static_cast<std::size_t>(-1);  // poll()'s last count
};

// The arithmetic of the two directions (tested without a network). The transport Link's timeline
// gives a block whose first frame is at Link's beat `beat`, at `bpm`, with bars of `quantum`
// beats.
HostTransport link_transport(double bpm, double beat, double quantum);
// How far Link's phase must move, in beats (within half a bar either way), for its bar lines to
// fall where the jam's do: `jam` the jam's beat in frames, `frame` one heard when Link's phase in
// the bar is `link_phase`.
double link_phase_error(const TransportBeat& jam, std::int64_t frame, double link_phase,
                        double quantum);

}  // namespace mlstm::rt
