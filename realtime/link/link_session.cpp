// REAL-TIME CODE: at_block() runs on the audio thread (tests/realtime/rtsan_link.cpp); the rest
// on the main thread.
#include "link/link_session.hpp"

#include <cmath>
#include <cstdio>

#include "link/frame_clock.hpp"

#ifdef MLSTM_WITH_LINK
#include <ableton/Link.hpp>
#endif

namespace mlstm::rt {

HostTransport link_transport(double bpm, double beat, double quantum) {
  HostTransport t;
  t.valid = t.playing = true;
  t.bpm = bpm;
  t.beat = beat;
  t.bar_start_beat = std::floor(beat / quantum) * quantum;
  t.beats_per_bar = quantum;
  t.source = TransportSource::kLink;
  return t;
}

double link_phase_error(const TransportBeat& jam, std::int64_t frame, double link_phase,
                        double quantum) {
  // The jam's beats since one of its bar lines, at `frame`, within a bar.
  const double beats = (static_cast<double>(frame - jam.bar)) / jam.period;
  const double error = beats - std::floor(beats / quantum) * quantum - link_phase;
  return error - quantum * std::round(error / quantum);
}

std::chrono::microseconds LinkSession::offline_time(std::int64_t frame,
                                                    int sample_rate) const noexcept {
  return std::chrono::microseconds(origin_us_.load(std::memory_order_relaxed) +
                                   std::llround(static_cast<double>(frame) * 1e6 / sample_rate));
}

#ifdef MLSTM_WITH_LINK

bool link_built() {
  return true;
}

struct LinkSession::Impl {
  explicit Impl(double bpm) : link(bpm) {}
  ableton::Link link;
  FrameClock frames;  // the audio thread's
};

LinkSession::LinkSession(double bpm) : impl_(std::make_unique<Impl>(bpm)) {}

LinkSession::~LinkSession() {
  if (impl_) impl_->link.enable(false);
}

void LinkSession::enable(bool on) {
  impl_->link.enable(on);
  enabled_.store(on, std::memory_order_relaxed);
  reported_ = static_cast<std::size_t>(-1);
  if (!on) tempo_.store(0, std::memory_order_relaxed);
}

std::size_t LinkSession::peers() const noexcept {
  return impl_->link.numPeers();
}

std::chrono::microseconds LinkSession::now() const noexcept {
  return impl_->link.clock().micros();
}

HostTransport LinkSession::at_block(std::int64_t block_start,
                                    int sample_rate) noexcept MLSTM_NONBLOCKING {
  if (!enabled_.load(std::memory_order_relaxed)) return {};
  // When the block's first frame is heard, on Link's clock.
  const std::chrono::microseconds heard_at =
      origin_us_.load(std::memory_order_relaxed) >= 0
          ? offline_time(block_start, sample_rate)
          : impl_->frames.add(block_start, impl_->link.clock().micros()) +
                std::chrono::microseconds(latency_us_.load(std::memory_order_relaxed));
  const std::uint64_t seq = block_sequence_.load(std::memory_order_relaxed);
  block_sequence_.store(seq + 1, std::memory_order_release);
  std::atomic_thread_fence(std::memory_order_release);
  block_frame_.store(block_start, std::memory_order_relaxed);
  block_heard_us_.store(heard_at.count(), std::memory_order_relaxed);
  block_rate_.store(sample_rate, std::memory_order_relaxed);
  block_sequence_.store(seq + 2, std::memory_order_release);

  const auto state = impl_->link.captureAudioSessionState();
  tempo_.store(state.tempo(), std::memory_order_relaxed);
  if (impl_->link.numPeers() == 0) return {};  // alone: the jam's own beat rules (lead())
  const double quantum = quantum_.load(std::memory_order_relaxed);
  return link_transport(state.tempo(), state.beatAtTime(heard_at, quantum), quantum);
}

bool LinkSession::lead(const std::optional<TransportBeat>& jam) {
  if (!enabled() || peers() > 0 || !jam || jam->source == TransportSource::kLink ||
      !(jam->bpm > 0) || !(jam->period > 0)) {
    return false;
  }
  // The audio thread's newest block: a frame and when it is heard.
  std::int64_t frame = 0, heard = 0;
  int rate = 0;
  for (;;) {
    const std::uint64_t before = block_sequence_.load(std::memory_order_acquire);
    if (before & 1) continue;
    frame = block_frame_.load(std::memory_order_relaxed);
    heard = block_heard_us_.load(std::memory_order_relaxed);
    rate = block_rate_.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (block_sequence_.load(std::memory_order_relaxed) == before) break;
  }
  if (rate <= 0) return false;  // no block yet: nothing maps frames onto Link's clock
  const std::chrono::microseconds at(heard);
  const double quantum = quantum_.load(std::memory_order_relaxed);
  auto state = impl_->link.captureAppSessionState();
  bool changed = false;
  if (std::abs(state.tempo() - jam->bpm) > 0.01) {
    state.setTempo(jam->bpm, at);  // keeps the beat at `at`
    changed = true;
  }
  const double error = link_phase_error(*jam, frame, state.phaseAtTime(at, quantum), quantum);
  // Within half a millisecond it stays: a new timeline every time would be noise.
  if (std::abs(error) * jam->period > rate * 0.0005) {
    state.requestBeatAtTime(state.beatAtTime(at, quantum) + error, at, quantum);
    changed = true;
  }
  if (changed) impl_->link.commitAppSessionState(state);
  return changed;
}

std::string LinkSession::poll() {
  if (!enabled()) return {};
  const std::size_t n = peers();
  if (n == reported_) return {};
  const bool first = reported_ == static_cast<std::size_t>(-1);
  reported_ = n;
  const double bpm = impl_->link.captureAppSessionState().tempo();
  char line[200];
  if (n == 0) {
    std::snprintf(line, sizeof line,
                  first ? "Link: on, no other peers yet; the jam's beat leads the session (%.1f "
                          "bpm now)"
                        : "Link: the other peers left; the jam's beat leads the session (%.1f bpm)",
                  bpm);
  } else {
    std::snprintf(line, sizeof line,
                  "Link: %zu other peer%s in the session at %.1f bpm: the jam follows its tempo "
                  "and beat",
                  n, n == 1 ? "" : "s", bpm);
  }
  return line;
}

std::string LinkSession::status() const {
  if (!enabled()) return {};
  const std::size_t n = peers();
  const double bpm = tempo();
  char line[120];
  if (n == 0) {
    std::snprintf(line, sizeof line, "Link: alone, the jam's beat leads (%.0f bpm)", bpm);
  } else {
    std::snprintf(line, sizeof line, "Link: %zu peer%s at %.1f bpm", n, n == 1 ? "" : "s", bpm);
  }
  return line;
}

#else  // without Link

bool link_built() {
  return false;
}

struct LinkSession::Impl {};

LinkSession::LinkSession(double) {
  throw LinkError(
      "link on: this build has no Ableton Link (ableton-link-dev was not installed when it was "
      "configured): run scripts/setup.sh and build again");
}
LinkSession::~LinkSession() = default;
void LinkSession::enable(bool) {}
std::size_t LinkSession::peers() const noexcept {
  return 0;
}
std::chrono::microseconds LinkSession::now() const noexcept {
  return {};
}
HostTransport LinkSession::at_block(std::int64_t, int) noexcept MLSTM_NONBLOCKING {
  return {};
}
bool LinkSession::lead(const std::optional<TransportBeat>&) {
  return false;
}
std::string LinkSession::poll() {
  return {};
}
std::string LinkSession::status() const {
  return {};
}

#endif

}  // namespace mlstm::rt
