#include "audio/offline_driver.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mlstm::rt {

OfflineResult run_offline(BlockRenderer& renderer, std::int64_t total_frames, int block_frames,
                          const OfflineHooks& hooks, WavWriter* wav) {
  block_frames = std::clamp(block_frames, 1, AudioEngine::kMaxBlockFrames);
  std::vector<float> left(static_cast<std::size_t>(block_frames)),
      right(static_cast<std::size_t>(block_frames)),
      interleaved(2 * static_cast<std::size_t>(block_frames));
  OfflineResult result;
  const std::int64_t rate = renderer.sample_rate();
  // A second run goes on where the engine's time stands.
  const std::int64_t first = renderer.next_frame();
  const std::int64_t end = first + total_frames;
  for (std::int64_t start = first; start < end; start += block_frames) {
    const int frames = static_cast<int>(std::min<std::int64_t>(block_frames, end - start));
    if (hooks.before_block) hooks.before_block(start, start + frames);
    // The offline clock: frame time, not wall time.
    renderer.render(left.data(), right.data(), frames, start * 1'000'000'000 / rate);
    for (int i = 0; i < frames; ++i) {
      const auto k = static_cast<std::size_t>(i);
      interleaved[2 * k] = left[k];
      interleaved[2 * k + 1] = right[k];
      result.peak = std::max({result.peak, static_cast<double>(std::fabs(left[k])),
                              static_cast<double>(std::fabs(right[k]))});
    }
    if (wav) wav->write(interleaved.data(), frames);
    result.frames += frames;
    if (hooks.after_block) hooks.after_block(start + frames);
    if (hooks.stop && hooks.stop()) break;
  }
  return result;
}

}  // namespace mlstm::rt
