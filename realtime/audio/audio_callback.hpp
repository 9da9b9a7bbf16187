#pragma once
// The audio thread's code beside AudioEngine::process: PortAudio's callback and the render step of
// the JACK output, kept apart from the device setup so that the RealtimeSanitizer tests call
// exactly these functions.

#include <portaudio.h>

#include <cstdint>
#include <span>

#include "engine/audio_engine.hpp"
#include "engine/block_renderer.hpp"
#include "engine/callback_stats.hpp"
#include "engine/nonblocking.hpp"

namespace mlstm::rt {

struct CallbackContext {
  BlockRenderer* renderer = nullptr;  // the engine alone, or the jam core and its MIDI in
  CallbackStats* stats = nullptr;
  int sample_rate = 48000;
  bool last_overran = false;  // the audio thread's own: did its last callback overrun its period
  float left[AudioEngine::kMaxBlockFrames] = {};
  float right[AudioEngine::kMaxBlockFrames] = {};
};

// Output: interleaved float32 stereo. `user` is a CallbackContext.
int audio_callback(const void* input, void* output, unsigned long frames,
                   const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                   void* user) noexcept MLSTM_NONBLOCKING;

// Renders `frames` frames (any number) into two channels, the first of which began at
// `first_steady_ns`, and records the time it took (and `last_overran`). JACK's process callback
// calls this with its port buffers and the cycle's start; on the jam's client also with the
// cycle's MIDI in, and `midi_out` for the MIDI to write (BlockRenderer::render_block).
void render_planar(CallbackContext& c, float* left, float* right, unsigned long frames,
                   std::int64_t first_steady_ns, std::span<const BlockMidiEvent> midi_in = {},
                   MidiBlock* midi_out = nullptr) noexcept MLSTM_NONBLOCKING;

}  // namespace mlstm::rt
