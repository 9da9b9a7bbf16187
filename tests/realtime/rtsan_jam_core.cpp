// The jam core (realtime/core/jam_core.hpp) under RealtimeSanitizer, driven as a host drives it:
// process() on the host's audio thread with MIDI in and the transport, the core's own performer
// and model threads live, the knobs turned and the model swapped (every 5 turns) from another
// thread, the transport's tempo changed,
// stopped and started. Any allocation, lock or system call inside process() aborts the process
// with RTSan's report.
//
// The model is a stand-in that takes a few milliseconds per answer (LibTorch cannot be built in
// this clang build; the audio thread sees only the answers' events whatever made them).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/jam_core.hpp"
#include "support/stand_in_model.hpp"

namespace {

using namespace mlstm;
using namespace mlstm::rt;

// The model swapped in mid-jam: another stand-in, as a plugin loads another model's file.
std::vector<NoteFeatures> other_stand_in(std::span<const NoteFeatures> context,
                                         const SearchSettings& s) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::vector<NoteFeatures> out;
  for (int i = 0; i < s.length; ++i) {
    out.push_back({40 + (context.back().pitch + 7 * i) % 48, i % 3 == 0 ? 0.0 : 0.07, 0.1, 70});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 60;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
  }
  constexpr int kRate = 48000, kBlock = 256;
  JamCoreOptions options;
  options.performer.sample_rate = kRate;
  options.performer.model_channel = 1;
  options.performer.context_notes = 10;
  options.performer.buffer_frames = kBlock;
  JamCore core(test::stand_in_model, JamSettings{}, options);
  JamKnobs& knobs = core.jam().knobs();
  std::atomic<bool> done{false};
  // The knobs turn every 2 s of wall time, as a panel or a host's automation turns them.
  std::thread turner([&] {
    int turn = 0;
    while (!done.load()) {
      static const char* kModes[] = {"call-and-response", "continuous", "call-and-response"};
      knobs.set("mode", kModes[turn % 3]);
      knobs.set("width", std::to_string(1 + turn % 16));
      knobs.set("entry", turn % 3 == 0 ? "free" : turn % 3 == 1 ? "beat" : "bar");
      knobs.set("clock-out", turn % 4 < 2 ? "on" : "off");
      knobs.set("yield", turn % 2 ? "fade" : "stop");
      knobs.set("out-latency", turn % 5 == 0 ? "20" : "0");
      // Every 5 turns the model is swapped, as a plugin's state loads another model.
      if (turn % 5 == 4) {
        core.jam().worker().set_continuer(turn % 10 == 4 ? Continuer(other_stand_in)
                                                         : Continuer(test::stand_in_model));
      }
      ++turn;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  core.start();

  // The player: 12 notes every 6 s of audio, every other phrase over the model's answer.
  struct Timed {
    std::int64_t frame;
    BlockMidiEvent event;
  };
  std::vector<Timed> player;
  const auto total = static_cast<std::int64_t>(seconds * kRate);
  int phrase = 0;
  for (std::int64_t start = kRate / 2; start < total; start += 6 * kRate - (phrase % 2) * kRate) {
    for (int i = 0; i < 12; ++i) {
      const auto key = static_cast<std::uint8_t>(55 + (phrase * 7 + i * 3) % 30);
      player.push_back({start + i * kRate / 5, {0, 3, {0x90, key, 90}}});
      player.push_back({start + i * kRate / 5 + kRate / 6, {0, 3, {0x80, key, 0}}});
    }
    ++phrase;
  }
  std::vector<BlockMidiEvent> in;
  in.reserve(64);
  MidiBlock out;
  std::size_t next = 0;
  long long model_notes = 0, blocks = 0;
  double beat = 0;
  const auto begin = std::chrono::steady_clock::now();
  for (std::int64_t now = 0; now < total; now += kBlock, ++blocks) {
    in.clear();
    while (next < player.size() && player[next].frame < now + kBlock) {
      BlockMidiEvent e = player[next].event;
      e.frame = static_cast<std::uint32_t>(player[next].frame - now);
      in.push_back(e);
      ++next;
    }
    // The transport: 110 bpm, 140 bpm from the second third, stopped in the last sixth.
    HostTransport t;
    t.valid = true;
    t.playing = now < total * 5 / 6;
    t.bpm = now < total / 3 ? 110.0 : 140.0;
    t.beat = beat;
    t.bar_start_beat = 4.0 * static_cast<long long>(beat / 4);
    core.process(kBlock, t, in, out);
    for (const BlockMidiEvent& e : out.events()) model_notes += e.bytes[0] == 0x91 && e.bytes[2];
    if (t.playing) beat += t.bpm / 60.0 * kBlock / kRate;
    // Paced at 4x real time: the performer and the worker keep up as in a live jam.
    std::this_thread::sleep_until(begin +
                                  std::chrono::microseconds((now + kBlock) * 250'000LL / kRate));
  }
  done = true;
  turner.join();
  core.stop();
  const PerformerCounters& c = core.jam().performer().counters();
  std::printf(
      "%lld blocks of %d frames through the jam core: %llu answers, %lld model notes out, %llu "
      "MIDI out dropped; no RealtimeSanitizer report\n",
      blocks, kBlock, static_cast<unsigned long long>(c.answers.load()), model_notes,
      static_cast<unsigned long long>(core.midi_out_dropped()));
  // A core that never answered would prove nothing; nothing may be dropped.
  return c.answers.load() >= 4 && model_notes > 0 && core.midi_out_dropped() == 0 ? 0 : 1;
}
