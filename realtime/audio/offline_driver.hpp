#pragma once
// The offline audio path: the engine's process() (or the jam core's, engine/block_renderer.hpp)
// driven by a plain loop instead of PortAudio, as fast as the machine allows. Time is the frame
// count, so a run is deterministic: the same events give the same samples. Tests, `play --render`,
// `compose --wav` and the headless demo use it.

#include <cstdint>
#include <functional>

#include "audio/wav_file.hpp"
#include "engine/audio_engine.hpp"
#include "engine/block_renderer.hpp"

namespace mlstm::rt {

struct OfflineHooks {
  // Before each block: queue the events due in [block_start, block_end) (and any earlier).
  std::function<void(std::int64_t block_start, std::int64_t block_end)> before_block = {};
  // After each block: drain the engine's output queues (recorder, ...).
  std::function<void(std::int64_t block_end)> after_block = {};
  // Checked after each block; true ends the run before `total_frames`.
  std::function<bool()> stop = {};
};

struct OfflineResult {
  std::int64_t frames = 0;
  double peak = 0.0;
};

// Renders the next `total_frames` frames of `renderer` (the engine, or the jam core) in blocks of
// `block_frames` into `wav` (may be null: render only).
OfflineResult run_offline(BlockRenderer& renderer, std::int64_t total_frames, int block_frames,
                          const OfflineHooks& hooks, WavWriter* wav);

}  // namespace mlstm::rt
