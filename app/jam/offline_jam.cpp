#include "jam/offline_jam.hpp"

#include <cstdio>

namespace mlstm::app {

void run_offline_jam(const JamArgs& a, rt::Jam& jam, rt::Session& session) {
  const int rate = session.engine().sample_rate();
  // The jam core ticks its performer in each block (not live), after the block's MIDI in.
  rt::OfflineExtras extras;
  extras.finished = [&](std::int64_t end) { return jam.idle(end); };
  // Continuous mode never runs out of music by itself.
  extras.max_seconds = session.replay_duration() + 120.0;
  extras.say = [](const std::string& lines) {
    std::fprintf(stderr, "music-lstm: %s\n", lines.c_str());
    std::fflush(stderr);
  };
  const rt::OfflineResult r =
      session.render_offline(a.render, a.seconds, 2.0, a.cli.options.audio.block_frames, extras);
  if (a.render.empty()) {
    std::printf("ran %.1f s of audio offline (not written: no --render)\n",
                static_cast<double>(r.frames) / rate);
  } else {
    std::printf("rendered %s: %.1f s of audio, peak %.2f\n", a.render.c_str(),
                static_cast<double>(r.frames) / rate, r.peak);
  }
}

}  // namespace mlstm::app
