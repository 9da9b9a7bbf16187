// REAL-TIME CODE: publish() runs on the audio thread (tests/realtime/ runs it under
// RealtimeSanitizer inside the jam core).
#include "core/host_transport.hpp"

#include <cmath>

namespace mlstm::rt {

void TransportShare::publish(const HostTransport& t, std::int64_t block_start,
                             int sample_rate) noexcept {
  const bool playing = t.valid && t.playing && t.bpm > 0 && std::isfinite(t.bpm) &&
                       std::isfinite(t.beat) && std::isfinite(t.bar_start_beat);
  if (!playing) {
    publish(std::optional<TransportBeat>{});
    return;
  }
  // The host's beats at the block's first frame, as a grid in frames.
  TransportBeat b;
  b.period = sample_rate * 60.0 / t.bpm;
  b.phase = static_cast<double>(block_start) - (t.beat - std::floor(t.beat)) * b.period;
  b.bar = std::llround(static_cast<double>(block_start) - (t.beat - t.bar_start_beat) * b.period);
  b.bpm = t.bpm;
  b.beats_per_bar = t.beats_per_bar > 0 ? t.beats_per_bar : 4.0;
  b.source = t.source;
  publish(b);
}

void TransportShare::publish(const std::optional<TransportBeat>& beat) noexcept {
  const std::uint64_t seq = sequence_.load(std::memory_order_relaxed);
  sequence_.store(seq + 1, std::memory_order_release);  // odd: a write under way
  std::atomic_thread_fence(std::memory_order_release);
  playing_.store(beat.has_value(), std::memory_order_relaxed);
  if (beat) {
    period_.store(beat->period, std::memory_order_relaxed);
    phase_.store(beat->phase, std::memory_order_relaxed);
    bar_.store(beat->bar, std::memory_order_relaxed);
    bpm_.store(beat->bpm, std::memory_order_relaxed);
    beats_per_bar_.store(beat->beats_per_bar, std::memory_order_relaxed);
    source_.store(beat->source, std::memory_order_relaxed);
  }
  sequence_.store(seq + 2, std::memory_order_release);
}

std::optional<TransportBeat> TransportShare::beat() const noexcept {
  for (;;) {
    const std::uint64_t before = sequence_.load(std::memory_order_acquire);
    if (before & 1) continue;  // a write under way: it takes a few nanoseconds
    TransportBeat b;
    const bool playing = playing_.load(std::memory_order_relaxed);
    b.period = period_.load(std::memory_order_relaxed);
    b.phase = phase_.load(std::memory_order_relaxed);
    b.bar = bar_.load(std::memory_order_relaxed);
    b.bpm = bpm_.load(std::memory_order_relaxed);
    b.beats_per_bar = beats_per_bar_.load(std::memory_order_relaxed);
    b.source = source_.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (sequence_.load(std::memory_order_relaxed) != before) continue;
    if (!playing) return std::nullopt;
    return b;
  }
}

}  // namespace mlstm::rt
