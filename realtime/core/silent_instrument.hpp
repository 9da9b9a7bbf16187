#pragma once
// REAL-TIME CODE: both methods run on the audio thread.
//
// The jam core's instrument when the host plays the model's voice (the MIDI effect): the audio
// engine applies every event as usual, and the core sends the model's on as MIDI; nothing sounds.

#include <algorithm>

#include "synth/instrument.hpp"

namespace mlstm::rt {

class SilentInstrument final : public Instrument {
 public:
  void apply(const SynthEvent&) noexcept override {}
  void render(float* left, float* right, int frames) noexcept override {
    std::fill_n(left, frames, 0.0f);
    std::fill_n(right, frames, 0.0f);
  }
};

}  // namespace mlstm::rt
