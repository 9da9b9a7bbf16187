// Offline: the time from a MIDI message arriving to its first non-silent sample, through the
// router, the engine and FluidSynth, on the offline clock (deterministic). Messages arrive at
// random points within a block; the router adds one buffer of latency (RouterOptions), the
// scheduler applies the note at its sample, FluidSynth sounds it from its next 64-frame boundary
// and the sample's own attack adds the rest.
//   bench_input_latency [--buffer FRAMES] [--notes N]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "midi/input_router.hpp"
#include "synth/fluid_instrument.hpp"

int main(int argc, char** argv) {
  using namespace mlstm::rt;
  int block = 256, notes = 500;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--buffer") == 0) block = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--notes") == 0) notes = std::atoi(argv[i + 1]);
  }
  const auto sf2 = default_soundfont();
  if (!sf2) {
    std::fprintf(stderr, "no General MIDI soundfont installed\n");
    return 1;
  }
  const int rate = 48000;
  FluidInstrument synth(*sf2, {});
  AudioEngine engine(synth, rate);
  InputRouter router(engine, {.player_channel = 0, .latency_frames = block});
  std::vector<float> left(static_cast<std::size_t>(block)), right(left.size());
  std::mt19937 random(1);
  std::vector<double> latencies_ms;
  std::int64_t frame = 0;
  auto render = [&](std::int64_t& first_sound, std::int64_t after) {
    engine.process(left.data(), right.data(), block, frame * 1'000'000'000LL / rate);
    for (int i = 0; i < block && first_sound < 0; ++i) {
      if (frame + i >= after && std::fabs(left[static_cast<std::size_t>(i)]) > 1e-4f) {
        first_sound = frame + i;
      }
    }
    frame += block;
  };
  for (int n = 0; n < notes; ++n) {
    // A message arrives at a random point of the block being rendered (the MIDI thread runs
    // while the audio thread renders), on the offline clock.
    const std::int64_t arrival = frame - block + static_cast<std::int64_t>(random() % block);
    const std::int64_t arrival_ns = arrival * 1'000'000'000LL / rate;
    const std::uint8_t on[3] = {0x90, static_cast<std::uint8_t>(48 + n % 36), 100};
    router.on_message(on, 3, std::max<std::int64_t>(arrival_ns, 0));
    std::int64_t first = -1;
    for (int b = 0; b < 100 && first < 0; ++b) render(first, arrival);
    latencies_ms.push_back(static_cast<double>(first - arrival) * 1000.0 / rate);
    const std::uint8_t off[3] = {0x80, on[1], 0};
    router.on_message(off, 3, frame * 1'000'000'000LL / rate);
    // Let the release die away completely, so the next onset is not the last one's tail.
    for (int b = 0; b < 5 * rate / block; ++b) {
      std::int64_t unused = 0;
      render(unused, 0);
      const float loudest = std::fabs(*std::max_element(
          left.begin(), left.end(), [](float a, float c) { return std::fabs(a) < std::fabs(c); }));
      if (loudest < 1e-5f && b > 4) break;
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto q = [&](double p) {
    return latencies_ms[static_cast<std::size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf(
      "offline, %d-frame buffer at %d Hz (%.2f ms), %d notes: message to first sound min %.2f "
      "ms, median %.2f ms, p95 %.2f ms, max %.2f ms\n",
      block, rate, 1000.0 * block / rate, notes, latencies_ms.front(), q(0.5), q(0.95),
      latencies_ms.back());
  return 0;
}
