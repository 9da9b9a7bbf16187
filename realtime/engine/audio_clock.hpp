#pragma once
// The session's time: the audio frame counter. The audio thread publishes, at the start of every
// block, the block's first frame and the steady-clock time it began; other threads map a time
// (a MIDI message's arrival) onto a frame with it.
//
// A sequence lock over two atomics: the writer (audio thread) never waits; a reader retries in
// the rare case it read during a write.

#include <atomic>
#include <cstdint>

namespace mlstm::rt {

class AudioClock {
 public:
  explicit AudioClock(int sample_rate) : sample_rate_(sample_rate) {}

  // Audio thread: the block starting at `frame` began at `steady_ns`.
  void publish(std::int64_t frame, std::int64_t steady_ns) noexcept {
    const std::uint64_t s = sequence_.load(std::memory_order_relaxed);
    sequence_.store(s + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    frame_.store(frame, std::memory_order_relaxed);
    steady_ns_.store(steady_ns, std::memory_order_relaxed);
    sequence_.store(s + 2, std::memory_order_release);
  }

  struct Reading {
    std::int64_t frame = 0;
    std::int64_t steady_ns = 0;
  };
  Reading read() const noexcept {
    for (;;) {
      const std::uint64_t before = sequence_.load(std::memory_order_acquire);
      Reading r{frame_.load(std::memory_order_relaxed), steady_ns_.load(std::memory_order_relaxed)};
      std::atomic_thread_fence(std::memory_order_acquire);
      if ((before & 1) == 0 && sequence_.load(std::memory_order_relaxed) == before) return r;
    }
  }

  // The frame that plays at `steady_ns`, extrapolated from the last block; before the first
  // block, frame 0.
  std::int64_t frame_at(std::int64_t steady_ns) const noexcept {
    if (sequence_.load(std::memory_order_acquire) == 0) return 0;
    const Reading r = read();
    return r.frame + (steady_ns - r.steady_ns) * sample_rate_ / 1'000'000'000;
  }
  // The first frame of the last block the audio thread began.
  std::int64_t block_frame() const noexcept { return read().frame; }
  int sample_rate() const noexcept { return sample_rate_; }

 private:
  const int sample_rate_;
  std::atomic<std::uint64_t> sequence_{0};
  std::atomic<std::int64_t> frame_{0};
  std::atomic<std::int64_t> steady_ns_{0};
};

}  // namespace mlstm::rt
