#include "midi/clock_follower.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace mlstm::rt {

void ClockFollower::on_message(std::uint8_t status, std::int64_t frame) {
  switch (status) {
    case 0xFA:  // start: the next pulse is the downbeat
      running_ = ever_started_ = true;
      count_ = 0;
      return;
    case 0xFB:  // continue: counting goes on from where it stopped
      running_ = ever_started_ = true;
      return;
    case 0xFC:
      running_ = false;
      ever_started_ = true;
      return;
    case 0xF8:
      break;
    default:
      return;
  }
  if (last_pulse_ >= 0 && frame - last_pulse_ > std::llround(kClockTimeoutSeconds * sample_rate_)) {
    size_ = 0;  // the clock came back after a silence: the line starts anew
  }
  if (!ever_started_) running_ = true;
  last_pulse_ = frame;
  Pulse p{seq_++, running_ ? count_++ : -1, frame};
  double slope = 0, intercept = 0;
  if (size_ >= kMinPulses && fit(slope, intercept)) {
    const double off =
        std::abs(static_cast<double>(frame) - (intercept + slope * static_cast<double>(p.seq)));
    off_line_ = off > kTempoChange * slope ? off_line_ + 1 : 0;
  }
  if (size_ == kWindow) {
    head_ = (head_ + 1) % kWindow;
    --size_;
  }
  window_[(head_ + size_) % kWindow] = p;
  ++size_;
  if (off_line_ >= kMinPulses) {
    // A new tempo: the line goes through the pulses since the change alone.
    head_ = (head_ + size_ - kMinPulses) % kWindow;
    size_ = kMinPulses;
    off_line_ = 0;
  }
}

bool ClockFollower::fit(double& slope, double& intercept) const {
  if (size_ < 2) return false;
  // Centred on the oldest pulse, so the sums stay small numbers.
  const double x0 = static_cast<double>(at(0).seq), y0 = static_cast<double>(at(0).frame);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < size_; ++i) {
    const double x = static_cast<double>(at(i).seq) - x0, y = static_cast<double>(at(i).frame) - y0;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double n = size_;
  const double d = n * sxx - sx * sx;
  if (d <= 0) return false;
  slope = (n * sxy - sx * sy) / d;
  if (slope <= 0) return false;
  intercept = y0 + (sy - slope * sx) / n - slope * x0;
  return true;
}

bool ClockFollower::present(std::int64_t now) const {
  return last_pulse_ >= 0 && now - last_pulse_ <= std::llround(kClockTimeoutSeconds * sample_rate_);
}

std::optional<ClockBeat> ClockFollower::beat(std::int64_t now, int beats_per_bar) const {
  if (!running_ || !present(now) || size_ < kMinPulses) return std::nullopt;
  const Pulse& newest = at(size_ - 1);
  if (newest.count < 0) return std::nullopt;  // started, and no pulse since
  double slope = 0, intercept = 0;
  if (!fit(slope, intercept)) return std::nullopt;
  const double frame = intercept + slope * static_cast<double>(newest.seq);
  // The next beat and bar line at or after the newest pulse, on the line: the grid ahead, at
  // the tempo as it is now.
  const auto next = [&](std::int64_t every) {
    const std::int64_t count = (newest.count + every - 1) / every * every;
    return std::pair{frame + slope * static_cast<double>(count - newest.count), count};
  };
  const auto [beat_frame, beat_count] = next(kClockPulses);
  ClockBeat b;
  b.period = slope * kClockPulses;
  b.beat = beat_frame;
  b.bar = next(static_cast<std::int64_t>(kClockPulses) * std::max(1, beats_per_bar)).first;
  b.bpm = 60.0 * sample_rate_ / b.period;
  b.beats = beat_count / kClockPulses;
  return b;
}

}  // namespace mlstm::rt
