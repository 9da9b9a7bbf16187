#pragma once
// The PortAudio callback, kept apart from the stream setup so that it is the whole of the audio
// thread's code path beside AudioEngine::process, and so that the RealtimeSanitizer test can call
// exactly this function.

#include <portaudio.h>

#include "engine/audio_engine.hpp"
#include "engine/callback_stats.hpp"
#include "engine/nonblocking.hpp"

namespace mlstm::rt {

struct CallbackContext {
  AudioEngine* engine = nullptr;
  CallbackStats* stats = nullptr;
  int sample_rate = 48000;
  float left[AudioEngine::kMaxBlockFrames] = {};
  float right[AudioEngine::kMaxBlockFrames] = {};
};

// Output: interleaved float32 stereo. `user` is a CallbackContext.
int audio_callback(const void* input, void* output, unsigned long frames,
                   const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                   void* user) noexcept MLSTM_NONBLOCKING;

}  // namespace mlstm::rt
