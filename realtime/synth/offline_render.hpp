#pragma once
// Rendering notes to a WAV file through the real-time engine's offline path (audio/offline_driver):
// FluidSynth, the same scheduler and block size as the audio thread, as fast as the machine
// allows and deterministic. `compose --wav` uses it.

#include <filesystem>
#include <vector>

#include "midi/note.hpp"
#include "synth/fluid_instrument.hpp"

namespace mlstm {

using RenderError = rt::SynthError;
using rt::default_soundfont;

struct RenderPart {
  std::vector<Note> notes;  // their channel fields are ignored
  int channel = 0;          // 0..15
  int program = 0;          // General MIDI program
};

struct RenderOptions {
  int sample_rate = 48000;
  int block_frames = 256;  // the block the synthesizer renders at once, as the audio thread would
  double tail_seconds = 2.0;  // rendered after the last note ends, for the release
  double gain = 0.5;          // FluidSynth's master gain
};

struct RenderResult {
  long long frames = 0;
  double peak = 0.0;  // largest absolute sample, 0..1
};

// Renders `parts` to a 16-bit stereo WAV written atomically. Throws RenderError (a missing or
// unreadable soundfont) or rt::WavError (an unwritable file), one line each.
RenderResult render_to_wav(const std::vector<RenderPart>& parts,
                           const std::filesystem::path& soundfont, const std::filesystem::path& wav,
                           const RenderOptions& options = {});

}  // namespace mlstm
