#pragma once
// The note the search (decode/note_search.cpp) chose, from what it chose head by head: decoded
// and guarded alike whatever the decoder.

#include <algorithm>
#include <cmath>

#include "decode/search_settings.hpp"
#include "midi/note_features.hpp"
#include "model/feature_codec.hpp"

namespace mlstm {

// Per head: a class head's class (as a number), or a regression head's value; velocity unused
// without a velocity head.
struct HeadChoices {
  int pitch = 0;
  double step = 0, duration = 0, velocity = 0;
};

inline NoteFeatures chosen_note(const ModelConfig& m, const SearchSettings& s,
                                const TimeBins& time_bins, const VelocityBins& velocity_bins,
                                const HeadChoices& h) {
  NoteFeatures f;
  f.pitch = h.pitch;
  if (m.time_head == HeadKind::kClasses) {
    f.step = time_bins.to_seconds(static_cast<int>(h.step));
    f.duration = time_bins.to_seconds(static_cast<int>(h.duration));
  } else {
    f.step = h.step;
    f.duration = h.duration;
  }
  if (!m.velocity) {
    f.velocity = 80;  // a model without velocity plays every note alike
  } else if (m.velocity_head == HeadKind::kClasses) {
    f.velocity = velocity_bins.to_velocity(static_cast<int>(h.velocity));
  } else {
    f.velocity = static_cast<int>(std::lround(std::clamp(h.velocity * 127.0, 1.0, 127.0)));
  }
  // Guards: no negative step, no note too short to sound, nothing past time_max.
  f.step = std::clamp(f.step, 0.0, m.time_max);
  f.duration = std::clamp(f.duration, s.min_duration, m.time_max);
  return f;
}

}  // namespace mlstm
