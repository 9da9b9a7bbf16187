#pragma once
// An instrument that shows exactly where the scheduler applied each event: a click (one sample of
// amplitude velocity/127) at the first sample rendered after a note-on, silence otherwise. Real
// time safe, so the RealtimeSanitizer test can use it beside FluidSynth.

#include "synth/instrument.hpp"

namespace mlstm::test {

class ClickInstrument final : public rt::Instrument {
 public:
  void apply(const rt::SynthEvent& e) noexcept override {
    if (e.kind == rt::EventKind::kNoteOn && e.data2 > 0) pending_ = e.data2 / 127.0f;
  }
  void render(float* left, float* right, int frames) noexcept override {
    for (int i = 0; i < frames; ++i) left[i] = right[i] = 0.0f;
    if (frames > 0 && pending_ > 0.0f) {
      left[0] = right[0] = pending_;
      pending_ = 0.0f;
    }
  }

 private:
  float pending_ = 0.0f;
};

}  // namespace mlstm::test
