#include "synth/offline_render.hpp"

#include <algorithm>
#include <cmath>

#include "audio/offline_driver.hpp"
#include "engine/audio_engine.hpp"

namespace mlstm {

RenderResult render_to_wav(const std::vector<RenderPart>& parts,
                           const std::filesystem::path& soundfont, const std::filesystem::path& wav,
                           const RenderOptions& o) {
  rt::FluidInstrument synth(soundfont, {.sample_rate = o.sample_rate, .gain = o.gain});
  rt::AudioEngine engine(synth, o.sample_rate);
  struct Keyed {
    rt::SynthEvent event;
    int order;  // at one frame: note-offs first, so a re-struck note is not cut by the old one's
                // off
  };
  std::vector<Keyed> events;
  double end = 0.0;
  for (const RenderPart& part : parts) {
    engine.control_input().try_push(rt::program(rt::Voice::kModel, part.channel, part.program));
    for (const Note& n : part.notes) {
      events.push_back({rt::note_on(std::llround(n.start * o.sample_rate), rt::Voice::kModel,
                                    part.channel, n.pitch, std::clamp(n.velocity, 1, 127)),
                        1});
      events.push_back({rt::note_off(std::llround(n.end * o.sample_rate), rt::Voice::kModel,
                                     part.channel, n.pitch),
                        0});
      end = std::max(end, n.end);
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Keyed& a, const Keyed& b) {
    return a.event.frame != b.event.frame ? a.event.frame < b.event.frame : a.order < b.order;
  });

  rt::WavWriter writer(wav, o.sample_rate);
  std::size_t next = 0;
  rt::OfflineHooks hooks;
  hooks.before_block = [&](std::int64_t, std::int64_t block_end) {
    // One block's events at a time: the queue holds thousands, a block needs a handful.
    while (next < events.size() && events[next].event.frame < block_end &&
           engine.model_input().try_push(events[next].event)) {
      ++next;
    }
  };
  const auto total = std::llround((end + o.tail_seconds) * o.sample_rate);
  const rt::OfflineResult r = rt::run_offline(engine, total, o.block_frames, hooks, &writer);
  writer.finish();
  return {r.frames, r.peak};
}

}  // namespace mlstm
