#pragma once
// FluidSynth as the instrument. It is created, loaded and destroyed on a normal thread; once the
// audio starts, only the audio thread touches it, so its thread-safe API (a mutex per call) is off.
//
// FluidSynth renders in internal blocks of 64 frames (FLUID_BUFSIZE, fixed at its build): an event
// applied between two samples of such a block sounds from the next 64-frame boundary, at most
// 1.33 ms later at 48 kHz. The scheduler hands every event over at its own sample (the click
// instrument of the tests shows it); this quantum is FluidSynth's, and the recorder keeps the exact
// sample.

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>

#include "synth/instrument.hpp"

struct _fluid_hashtable_t;
struct _fluid_synth_t;

namespace mlstm::rt {

class SynthError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FluidOptions {
  int sample_rate = 48000;
  double gain = 0.5;    // FluidSynth's master gain; 0.5 leaves headroom for chords of both voices
  int polyphony = 256;  // voices; a flood steals the oldest instead of growing
};

// Debian's General MIDI soundfonts, best first; empty when none is installed.
std::optional<std::filesystem::path> default_soundfont();

class FluidInstrument final : public Instrument {
 public:
  // Throws SynthError, one line: a missing or unreadable soundfont, a sample rate FluidSynth
  // refuses.
  FluidInstrument(const std::filesystem::path& soundfont, const FluidOptions& options);
  ~FluidInstrument() override;
  FluidInstrument(const FluidInstrument&) = delete;
  FluidInstrument& operator=(const FluidInstrument&) = delete;

  void apply(const SynthEvent& event) noexcept override;
  void render(float* left, float* right, int frames) noexcept override;

  // Sounding voices, for the tests (call when the audio is stopped).
  int active_voices() const;

 private:
  _fluid_hashtable_t* settings_ = nullptr;
  _fluid_synth_t* synth_ = nullptr;
};

}  // namespace mlstm::rt
