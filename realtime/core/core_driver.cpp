// REAL-TIME CODE: render() and the receiver's entries run on real-time threads (the device's
// callback, JACK's MIDI callback): no allocation, no lock, no log, no wait.
#include "core/core_driver.hpp"

#include <algorithm>
#include <chrono>

namespace mlstm::rt {

CoreDriver::CoreDriver(JamCore& core, int latency_frames)
    : core_(core), latency_frames_(latency_frames) {}

std::int64_t CoreDriver::now() const noexcept {
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  return core_.engine().clock().frame_at(now_ns) + latency_frames();
}

void CoreDriver::on_message(const std::uint8_t* bytes, std::size_t size,
                            std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING {
  on_message_at_frame(bytes, size, core_.engine().clock().frame_at(steady_ns) + latency_frames());
}

void CoreDriver::on_message_at_frame(const std::uint8_t* bytes, std::size_t size,
                                     std::int64_t frame) noexcept MLSTM_NONBLOCKING {
  if (size > 3) {
    // A block carries three bytes a message: a longer one is sysex or malformed, which the
    // router would only count. It is judged and counted here the same way.
    counted_.messages.fetch_add(1, std::memory_order_relaxed);
    counted_.count_unrouted(classify_midi_message(bytes, size).kind);
    return;
  }
  Stamped m;
  m.frame = frame;
  m.size = static_cast<std::uint8_t>(size);
  std::copy_n(bytes, size, m.bytes);
  if (!queue_.try_push(m)) {
    counted_.messages.fetch_add(1, std::memory_order_relaxed);
    counted_.dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void CoreDriver::gather(std::int64_t block_start, int frames) noexcept {
  in_.clear();
  const std::int64_t end = block_start + frames;
  std::uint32_t last = 0;
  for (;;) {
    Stamped m;
    if (holding_) {
      m = held_;
    } else if (!queue_.try_pop(m)) {
      break;
    }
    holding_ = false;
    if (m.frame >= end) {  // due in a later block: kept for it
      held_ = m;
      holding_ = true;
      break;
    }
    // Late ones at the block's first frame; never before a message gathered earlier.
    const auto at = std::max(last, static_cast<std::uint32_t>(std::clamp<std::int64_t>(
                                       m.frame - block_start, 0, frames - 1)));
    BlockMidiEvent e;
    e.frame = at;
    e.size = m.size;
    std::copy_n(m.bytes, 3, e.bytes);
    if (!in_.push(e)) {  // a block's worth already: the rest go in the next block
      held_ = m;
      holding_ = true;
      break;
    }
    last = at;
  }
}

void CoreDriver::render(float* left, float* right, int frames,
                        std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING {
  gather(core_.next_block(), frames);
  core_.process(frames, transport(), in_.events(), out_, left, right, steady_ns);
}

HostTransport CoreDriver::transport() noexcept {
  // The standalone has no host: its beat comes from Link when it is in a session with others,
  // else from MIDI clock in, the metronome or the player.
  TransportProvider* provider = provider_.load(std::memory_order_acquire);
  return provider ? provider->at_block(core_.next_block(), sample_rate()) : HostTransport{};
}

void CoreDriver::render_block(float* left, float* right, int frames, std::int64_t steady_ns,
                              std::span<const BlockMidiEvent> in,
                              MidiBlock& out) noexcept MLSTM_NONBLOCKING {
  gather(core_.next_block(), frames);
  // The device's messages at their frames, merged with the queued ones (the device's first at a
  // frame they share: they were played, the queued ones replayed or stamped).
  merged_.clear();
  const auto queued = in_.events();
  std::size_t i = 0, j = 0;
  while (i < in.size() || j < queued.size()) {
    const bool device = j == queued.size() || (i < in.size() && in[i].frame <= queued[j].frame);
    if (!merged_.push(device ? in[i++] : queued[j++])) {
      counted_.messages.fetch_add(1, std::memory_order_relaxed);
      counted_.dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }
  core_.process(frames, transport(), merged_.events(), out, left, right, steady_ns);
}

void CoreDriver::add_counts(InputCounters& into) const noexcept {
  rt::add_counts(into, core_.input_counters());
  rt::add_counts(into, counted_);
}

}  // namespace mlstm::rt
