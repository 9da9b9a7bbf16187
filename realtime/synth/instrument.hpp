#pragma once
// REAL-TIME CODE: both methods run on the audio thread.
//
// What makes the sound: FluidSynth in the program (FluidInstrument); a click per note-on in the
// tests and benchmarks that must see exactly where each event landed (FluidSynth renders in
// 64-frame blocks of its own, see fluid_instrument.hpp).

#include "events/synth_event.hpp"

namespace mlstm::rt {

class Instrument {
 public:
  virtual ~Instrument() = default;
  // Applies an event at the current position of the output (between two render calls).
  virtual void apply(const SynthEvent& event) noexcept = 0;
  // Adds nothing, overwrites: renders the next `frames` samples of each channel.
  virtual void render(float* left, float* right, int frames) noexcept = 0;
};

}  // namespace mlstm::rt
