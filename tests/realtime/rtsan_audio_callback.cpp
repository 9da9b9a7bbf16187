// Runs the real PortAudio callback and the JACK output's render step (audio/audio_callback.cpp),
// alternating, with FluidSynth and the real engine under RealtimeSanitizer: another thread pushes
// dense note traffic for both voices (chords, runs, pedal, program and volume changes, channel
// silences, panics, malformed input through the router) while the callback renders. Any allocation,
// lock or system call inside the callback aborts the process with RTSan's report.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "audio/audio_callback.hpp"
#include "midi/input_router.hpp"
#include "synth/fluid_instrument.hpp"

namespace {

using namespace mlstm::rt;

// Allocates inside a nonblocking function: RTSan must report it.
[[gnu::noinline]] int allocate_in_realtime_context() MLSTM_NONBLOCKING {
  auto* p = static_cast<volatile int*>(std::malloc(64));
  *p = 1;
  const int v = *p;
  std::free(const_cast<int*>(p));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 60;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--canary") == 0) return allocate_in_realtime_context() == 1 ? 0 : 1;
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
  }
  const auto sf2 = default_soundfont();
  if (!sf2) {
    std::printf("no General MIDI soundfont installed (scripts/setup.sh installs one): skipped\n");
    return 77;
  }
  FluidInstrument synth(*sf2, {});
  AudioEngine engine(synth, 48000);
  engine.record_played = true;
  engine.forward_model = true;
  engine.capture_audio = true;
  CallbackStats stats;
  CallbackContext context;
  context.renderer = &engine;
  context.stats = &stats;
  InputRouter router(engine, {});

  const int block = 256;
  const long long blocks = static_cast<long long>(seconds * 48000 / block);
  std::atomic<long long> rendered{0};
  std::atomic<bool> done{false};
  std::atomic<unsigned long long> sent{0};
  // The other threads: the MIDI input (through the router, malformed messages included), the
  // model's answers (many notes ahead of time), control; and the consumers of the output queues.
  std::thread producer([&] {
    unsigned long long n = 0;
    while (!done.load()) {
      const long long now = rendered.load() * block;
      const int key = 36 + static_cast<int>(n % 60);
      const std::uint8_t on[3] = {0x90, static_cast<std::uint8_t>(key), 100};
      const std::uint8_t off[3] = {0x80, static_cast<std::uint8_t>(key), 0};
      router.on_message_at_frame(on, 3, now + 300);
      router.on_message_at_frame(off, 3, now + 2000);
      const std::uint8_t bad[2] = {0x90, 60};
      router.on_message_at_frame(bad, 2, now);
      for (int c = 0; c < 4; ++c) {
        engine.model_input().try_push(note_on(now + 100 + 37 * c, Voice::kModel, 1, key + c, 90));
        engine.model_input().try_push(note_off(now + 4000 + 37 * c, Voice::kModel, 1, key + c));
      }
      if (n % 50 == 0)
        engine.player_input().try_push(control(now + 10, Voice::kPlayer, 0, 64, n % 100 ? 127 : 0));
      if (n % 500 == 0)
        engine.control_input().try_push(program(Voice::kModel, 1, static_cast<int>(n / 500) % 128));
      if (n % 700 == 0)
        engine.control_input().try_push(control(kFrameNow, Voice::kModel, 1, 7, 90));
      if (n % 900 == 0)
        engine.model_input().try_push({now + 500, EventKind::kChannelSilence, Voice::kModel, 1});
      if (n % 5000 == 0) engine.control_input().try_push({kFrameNow, EventKind::kPanic});
      ++n;
      sent = n;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  std::thread consumer([&] {
    SynthEvent e;
    std::vector<float> samples(1 << 16);
    while (!done.load()) {
      while (engine.played().try_pop(e)) {
      }
      while (engine.forwarded().try_pop(e)) {
      }
      engine.tap().pop_some(samples.data(), samples.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });

  std::vector<float> out(2 * block), left(block), right(block);
  for (long long b = 0; b < blocks; ++b) {
    // Both entries of the audio thread: PortAudio's callback, and the JACK output's render step
    // (what its process callback runs on JACK's port buffers).
    if (b % 2 == 0) {
      audio_callback(nullptr, out.data(), block, nullptr, 0, &context);
    } else {
      const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now().time_since_epoch())
                           .count();
      render_planar(context, left.data(), right.data(), block, now);
    }
    rendered = b + 1;
    // Paced at about 20x real time, so the producer's traffic stays dense per block.
    if (b % 20 == 0) std::this_thread::sleep_for(std::chrono::microseconds(250));
  }
  done = true;
  producer.join();
  consumer.join();
  const auto& c = engine.counters();
  std::printf(
      "%lld callbacks of %d frames, %llu events applied (%llu sent by the producer), %llu late; "
      "no RealtimeSanitizer report\n",
      blocks, block, static_cast<unsigned long long>(c.events_applied.load()),
      static_cast<unsigned long long>(sent.load()),
      static_cast<unsigned long long>(c.late_events.load()));
  return c.events_applied.load() > 0 ? 0 : 1;
}
