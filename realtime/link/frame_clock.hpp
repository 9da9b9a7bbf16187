#pragma once
// When an audio block's first frame was rendered on Link's clock, smoothed: the callback wakes a
// little late or early each time, and a line fitted through the last kPoints (frame, time) pairs
// takes that jitter out, as Link's HostTimeFilter does for its examples. Hand-written rather than
// Link's because Link's sums the squares of frame counts and clock readings directly, which in
// doubles near 1e23 loses hundreds of microseconds after a few hours of audio; here the sums are
// taken about the points' means. And a device whose time jumps (a stream restarted while the
// frames went on) starts a new line instead of bending the old one for seconds.
//
// Threads: the audio thread's own ([audio-thread]: no allocation, no lock).

#include <array>
#include <chrono>
#include <cstdint>

#include "engine/nonblocking.hpp"

namespace mlstm::rt {

class FrameClock {
 public:
  static constexpr int kPoints = 512;
  // A reading this far from the line starts a new one.
  static constexpr std::chrono::microseconds kJump{50'000};

  // [audio-thread] `frame` began at `now` as the callback saw it; returns the time the line puts
  // it at.
  std::chrono::microseconds add(std::int64_t frame,
                                std::chrono::microseconds now) noexcept MLSTM_NONBLOCKING;
  void reset() noexcept { count_ = 0; }

 private:
  double at(double frame) const noexcept;  // the line's time at `frame` (count_ > 0)

  struct Point {
    double frame = 0, micros = 0;  // both relative to the first point of the line
  };
  std::array<Point, kPoints> points_{};
  int count_ = 0, next_ = 0;
  std::int64_t frame0_ = 0, micros0_ = 0;  // the line's origin
  double slope_ = 0, intercept_ = 0;       // micros = intercept + slope * frame, relative
};

}  // namespace mlstm::rt
