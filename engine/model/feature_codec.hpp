#pragma once
// How step, duration and velocity become model inputs and classes, and classes become values
// again. Torch-free: decoding and tools use the same numbers as the model's tensors.
//
// Time classes: class 0 holds everything below time_min (chords have a step of 0); classes
// 1..bins-1 split [time_min, time_max) into log-spaced bins; times at or above time_max fall in
// the last class. A class decodes to the geometric middle of its bin (0 for class 0).

#include <algorithm>
#include <cmath>

#include "model/model_config.hpp"

namespace mlstm {

class TimeBins {
 public:
  TimeBins(int bins, double time_min, double time_max)
      : bins_(bins),
        time_min_(time_min),
        log_min_(std::log(time_min)),
        log_span_(std::log(time_max / time_min)) {}
  explicit TimeBins(const ModelConfig& c) : TimeBins(c.time_bins, c.time_min, c.time_max) {}

  int bins() const { return bins_; }
  int to_class(double seconds) const {
    if (!(seconds >= time_min_)) return 0;
    const double pos = (std::log(seconds) - log_min_) / log_span_ * (bins_ - 1);
    return std::clamp(1 + static_cast<int>(std::floor(pos)), 1, bins_ - 1);
  }
  double to_seconds(int cls) const {
    if (cls <= 0) return 0.0;
    // Bin cls covers log-positions [cls-1, cls) of bins-1 equal steps; take the middle.
    return std::exp(log_min_ + (cls - 0.5) / (bins_ - 1) * log_span_);
  }
  double log_min() const { return log_min_; }
  double log_span() const { return log_span_; }

 private:
  int bins_;
  double time_min_, log_min_, log_span_;
};

class VelocityBins {
 public:
  explicit VelocityBins(int bins) : bins_(bins) {}
  int bins() const { return bins_; }
  int to_class(int velocity) const {
    return std::clamp((std::clamp(velocity, 1, 127) - 1) * bins_ / 127, 0, bins_ - 1);
  }
  int to_velocity(int cls) const {
    // The middle of the velocities that map to this class.
    const int lo = (cls * 127 + bins_ - 1) / bins_ + 1;
    const int hi = ((cls + 1) * 127 + bins_ - 1) / bins_;
    return std::clamp((lo + hi) / 2, 1, 127);
  }

 private:
  int bins_;
};

// The start token's pitch index: the embedding has 129 rows, 0..127 for pitches.
inline constexpr int kStartPitch = 128;
// Below this, log(x + offset) of a time input stays finite; 1 ms is finer than any onset jitter.
inline constexpr double kLogTimeOffset = 1e-3;

}  // namespace mlstm
