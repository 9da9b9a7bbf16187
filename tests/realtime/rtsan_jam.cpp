// A whole jam under RealtimeSanitizer: the real PortAudio callback renders FluidSynth while the
// performer (on its control thread) answers a player's phrases through the inference worker,
// chains in continuous mode, yields (stopping and fading), and changes programs, widths and the
// scale lock, the entry, the metronome (its clicks are rendered by the same callback) and MIDI
// clock out (its pulses pass through it). The jam
// is the same rt::Jam the command runs. Any
// allocation, lock or system call inside the callback aborts the process with RTSan's report.
//
// The model is a stand-in that takes a few milliseconds per answer: the audio thread sees only
// the answers' events, which are the same whatever model made them, and LibTorch cannot be built
// in this clang build (docs/TESTING.md).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "audio/audio_callback.hpp"
#include "midi/input_router.hpp"
#include "perform/jam.hpp"
#include "support/stand_in_model.hpp"
#include "synth/fluid_instrument.hpp"

namespace {

using namespace mlstm;
using namespace mlstm::rt;

}  // namespace

int main(int argc, char** argv) {
  double seconds = 90;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
  }
  const auto sf2 = default_soundfont();
  if (!sf2) {
    std::printf("no General MIDI soundfont installed (scripts/setup.sh installs one): skipped\n");
    return 77;
  }
  constexpr int kRate = 48000, kBlock = 256;
  FluidInstrument synth(*sf2, {});
  AudioEngine engine(synth, kRate);
  engine.record_played = true;
  engine.capture_audio = true;
  CallbackStats stats;
  CallbackContext context;
  context.renderer = &engine;
  context.stats = &stats;
  Jam jam(test::stand_in_model, JamSettings{}, true);
  InputRouter router(engine, {.latency_frames = kBlock});
  router.set_listener(&jam.player_input());
  jam.attach(engine, {.sample_rate = kRate, .model_channel = 1, .buffer_frames = kBlock});
  JamKnobs& knobs = jam.knobs();

  const long long blocks = static_cast<long long>(seconds * kRate / kBlock);
  std::atomic<long long> rendered{0};
  std::atomic<bool> done{false};
  // The player: a phrase of 12 notes every 6 s of audio, sometimes over the model's answer; the
  // knobs turn every phrase.
  std::thread player([&] {
    long long next_phrase = kRate / 2;
    int phrase = 0;
    while (!done.load()) {
      const long long now = rendered.load() * kBlock;
      if (now + kBlock >= next_phrase) {
        for (int i = 0; i < 12; ++i) {
          const auto key = static_cast<std::uint8_t>(55 + (phrase * 7 + i * 3) % 30);
          const std::uint8_t on[3] = {0x90, key, 90};
          const std::uint8_t off[3] = {0x80, key, 0};
          router.on_message_at_frame(on, 3, next_phrase + i * kRate / 5);
          router.on_message_at_frame(off, 3, next_phrase + i * kRate / 5 + kRate / 6);
        }
        static const char* kModes[] = {"call-and-response", "continuous", "call-and-response"};
        knobs.set("mode", kModes[phrase % 3]);
        knobs.set("yield", phrase % 2 ? "fade" : "stop");
        knobs.set("width", std::to_string(1 + phrase % 16));
        knobs.set("program", std::to_string(phrase % 8));
        knobs.set("scale", phrase % 4 == 1 ? "key" : phrase % 4 == 3 ? "E minor" : "off");
        knobs.set("metronome", phrase % 3 == 0 ? "off" : phrase % 3 == 1 ? "click" : "count-in");
        knobs.set("entry", phrase % 2 ? "beat" : "free");
        knobs.set("clock-out", phrase % 4 < 2 ? "on" : "off");
        ++phrase;
        next_phrase += 6 * kRate - (phrase % 2) * kRate;  // every other one comes in early
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  jam.start([&] { return static_cast<std::int64_t>(rendered.load()) * kBlock + kBlock; });
  std::thread consumer([&] {
    SynthEvent e;
    std::vector<float> samples(1 << 16);
    while (!done.load()) {
      while (engine.played().try_pop(e)) {
      }
      engine.tap().pop_some(samples.data(), samples.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });

  std::vector<float> out(2 * kBlock);
  const auto begin = std::chrono::steady_clock::now();
  for (long long b = 0; b < blocks; ++b) {
    audio_callback(nullptr, out.data(), kBlock, nullptr, 0, &context);
    rendered = b + 1;
    // Paced at 4x real time: the performer and the worker keep up as in a live jam.
    std::this_thread::sleep_until(begin +
                                  std::chrono::microseconds((b + 1) * kBlock * 250'000LL / kRate));
  }
  done = true;
  player.join();
  jam.stop();
  consumer.join();
  const PerformerCounters& c = jam.performer().counters();
  std::printf(
      "%lld callbacks of %d frames: %llu answers (%llu late, %llu yields), "
      "%llu events applied, %llu late; no RealtimeSanitizer report\n",
      blocks, kBlock, static_cast<unsigned long long>(c.answers.load()),
      static_cast<unsigned long long>(c.late.load()),
      static_cast<unsigned long long>(c.yields.load()),
      static_cast<unsigned long long>(engine.counters().events_applied.load()),
      static_cast<unsigned long long>(engine.counters().late_events.load()));
  // A jam that never answered or never yielded would prove nothing.
  return c.answers.load() >= 5 && c.yields.load() >= 2 ? 0 : 1;
}
