#pragma once
// What an audio device's callback (audio/audio_callback.hpp) and the offline loop
// (audio/offline_driver.hpp) run each block: the audio engine alone (`play`, `listen`), or the jam
// core with the standalone program's MIDI in gathered around it (core/core_driver.hpp). The
// devices know nothing of either.

#include <algorithm>
#include <cstdint>
#include <span>

#include "core/midi_block.hpp"
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
  // [audio-thread] A whole device block (any number of frames) with its MIDI, from a device that
  // carries MIDI in the same callback (the jam's JACK client): `in` the player's messages at
  // their frames within the block, in order; `out` receives what to send at its frames. The
  // engine alone has no MIDI here (its MIDI in reaches it through its router): it renders and
  // leaves `out` empty.
  virtual void render_block(float* left, float* right, int frames, std::int64_t steady_ns,
                            std::span<const BlockMidiEvent> in,
                            MidiBlock& out) noexcept MLSTM_NONBLOCKING {
    (void)in;
    out.clear();
    for (int done = 0; done < frames;) {
      const int n = std::min(frames - done, kMaxFrames);
      render(left + done, right + done, n,
             steady_ns + std::int64_t{done} * 1'000'000'000 / std::max(sample_rate(), 1));
      done += n;
    }
  }
  // What render() takes at most (AudioEngine::kMaxBlockFrames).
  static constexpr int kMaxFrames = 4096;
  // [any thread] The first frame of the next block: where a second offline run goes on.
  virtual std::int64_t next_frame() const noexcept = 0;
  virtual int sample_rate() const noexcept = 0;
};

}  // namespace mlstm::rt
