// REAL-TIME CODE: add() runs on the audio thread (tests/realtime/rtsan_link.cpp).
#include "link/frame_clock.hpp"

#include <cmath>

namespace mlstm::rt {

double FrameClock::at(double frame) const noexcept {
  return intercept_ + slope_ * frame;
}

std::chrono::microseconds FrameClock::add(
    std::int64_t frame, std::chrono::microseconds now) noexcept MLSTM_NONBLOCKING {
  if (count_ > 0) {
    const double predicted = at(static_cast<double>(frame - frame0_));
    if (std::abs(predicted - static_cast<double>(now.count() - micros0_)) >
        static_cast<double>(kJump.count())) {
      count_ = 0;
    }
  }
  if (count_ == 0) {
    frame0_ = frame;
    micros0_ = now.count();
    next_ = 0;
    slope_ = intercept_ = 0;
  }
  points_[static_cast<std::size_t>(next_)] = {static_cast<double>(frame - frame0_),
                                              static_cast<double>(now.count() - micros0_)};
  next_ = (next_ + 1) % kPoints;
  if (count_ < kPoints) ++count_;
  // Least squares about the means: two passes over at most kPoints points.
  double mean_frame = 0, mean_micros = 0;
  for (int i = 0; i < count_; ++i) {
    mean_frame += points_[static_cast<std::size_t>(i)].frame;
    mean_micros += points_[static_cast<std::size_t>(i)].micros;
  }
  mean_frame /= count_;
  mean_micros /= count_;
  double sxx = 0, sxy = 0;
  for (int i = 0; i < count_; ++i) {
    const Point& p = points_[static_cast<std::size_t>(i)];
    sxx += (p.frame - mean_frame) * (p.frame - mean_frame);
    sxy += (p.frame - mean_frame) * (p.micros - mean_micros);
  }
  // One point (or frames that did not move): the reading itself until there is a line.
  if (sxx > 0) {
    slope_ = sxy / sxx;
    intercept_ = mean_micros - slope_ * mean_frame;
  } else {
    slope_ = 0;
    intercept_ = mean_micros;
  }
  return std::chrono::microseconds(micros0_ +
                                   std::llround(at(static_cast<double>(frame - frame0_))));
}

}  // namespace mlstm::rt
