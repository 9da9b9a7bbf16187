#pragma once
// Rendering notes to a WAV file through FluidSynth, offline: a plain loop instead of an audio
// callback, as fast as the machine allows and deterministic. Every note-on and note-off is
// applied at its own sample, not at a block boundary.

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "midi/note.hpp"

namespace mlstm {

class RenderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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

// Debian's General MIDI soundfonts, best first; empty when none is installed.
std::optional<std::filesystem::path> default_soundfont();

// Renders `parts` to a 16-bit stereo WAV written atomically. Throws RenderError with one line
// (a missing or unreadable soundfont, an unwritable file).
RenderResult render_to_wav(const std::vector<RenderPart>& parts,
                           const std::filesystem::path& soundfont, const std::filesystem::path& wav,
                           const RenderOptions& options = {});

}  // namespace mlstm
