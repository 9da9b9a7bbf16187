#pragma once
// What an audio device's callback (audio/audio_callback.hpp) and the offline loop
// (audio/offline_driver.hpp) run each block: the audio engine alone (`play`, `listen`), or the jam
// core with the standalone program's MIDI in gathered around it (core/core_driver.hpp). The
// devices know nothing of either.

#include <cstdint>

#include "engine/nonblocking.hpp"

namespace mlstm::rt {

class BlockRenderer {
 public:
  virtual ~BlockRenderer() = default;
  // [audio-thread] Renders the next `frames` frames (at most AudioEngine::kMaxBlockFrames) into
  // two channels; `steady_ns` is when this block began (std::chrono::steady_clock, or the offline
  // loop's frame time). Never allocates, locks or waits.
  virtual void render(float* left, float* right, int frames,
                      std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING = 0;
  // [any thread] The first frame of the next block: where a second offline run goes on.
  virtual std::int64_t next_frame() const noexcept = 0;
  virtual int sample_rate() const noexcept = 0;
};

}  // namespace mlstm::rt
