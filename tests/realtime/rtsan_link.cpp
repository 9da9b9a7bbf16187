// The standalone jam's Ableton Link transport under RealtimeSanitizer: the jam core driven through
// its driver (core/core_driver.hpp) by a "device" thread at real-time pace, with a real Link
// session (link/link_session.hpp) as its transport, mapped by the callback-time filter plus an
// output latency. A second Link peer in this process joins for 3 s and leaves for 2 s, over and
// over, changing the session's tempo while it is there; the jam's metronome runs at 90 bpm. So
// the audio thread follows the session (a peer there) and reads it while the jam leads it (alone:
// the metronome's tempo and bar lines, committed from the main thread as the session does). Any
// allocation, lock or system call inside the driver's render() aborts the process with RTSan's
// report.
//
// Exit 0 when both paths ran with no report; 1 when one never ran; 77 (a skip) when the two
// peers never met: a machine whose network has no multicast (Link's discovery).
#include <ableton/Link.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/core_driver.hpp"
#include "link/link_session.hpp"
#include "support/stand_in_model.hpp"

namespace {

using namespace mlstm;
using namespace mlstm::rt;

}  // namespace

int main(int argc, char** argv) {
  double seconds = 20;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
  }
  constexpr int kRate = 48000, kBlock = 256;
  JamCoreOptions options;
  options.performer.sample_rate = kRate;
  options.performer.model_channel = 1;
  options.performer.context_notes = 10;
  options.performer.buffer_frames = kBlock;
  options.model_to_block = false;
  JamSettings settings;
  settings.entry = Entry::kBeat;
  settings.answer_tempo = AnswerTempo::kPlayer;
  settings.metronome = Metronome::kClick;
  settings.metronome_bpm = 90;
  JamCore core(test::stand_in_model, settings, options);
  CoreDriver driver(core, kBlock);
  std::atomic<int> followed{0};
  core.jam().performer().on_message = [&](const std::string& line) {
    if (line.rfind("following Link", 0) == 0) followed.fetch_add(1);
  };
  LinkSession link(120.0);
  link.set_quantum(4);
  link.set_output_latency(std::chrono::microseconds(10'667));  // two blocks
  link.enable(true);
  driver.set_transport(&link);

  // The other app: in the session 3 s, out 2 s; a new tempo each time it is in.
  std::atomic<bool> done{false};
  std::atomic<int> met{0};
  std::thread other([&] {
    ableton::Link peer(140.0);
    for (int round = 0; !done.load(); ++round) {
      peer.enable(true);
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      bool changed = false;
      while (!done.load() && std::chrono::steady_clock::now() < until) {
        if (peer.numPeers() > 0) {
          met.fetch_add(1);
          if (!changed) {
            auto state = peer.captureAppSessionState();
            state.setTempo(100.0 + 10.0 * (round % 4), peer.clock().micros());
            peer.commitAppSessionState(state);
            changed = true;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      peer.enable(false);
      for (int k = 0; k < 100 && !done.load(); ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
  core.start();

  // The device: a block every 5.3 ms; a phrase every 4 s.
  std::array<float, kBlock> left{}, right{};
  const auto total = static_cast<std::int64_t>(seconds * kRate);
  const auto begin = std::chrono::steady_clock::now();
  long long blocks = 0, led = 0;
  for (std::int64_t now = 0; now < total; now += kBlock, ++blocks) {
    if (now % (4 * kRate) < kBlock) {
      for (int i = 0; i < 10; ++i) {
        const auto key = static_cast<std::uint8_t>(55 + (now / kRate + i * 3) % 30);
        const std::uint8_t down[3] = {0x90, key, 90}, up[3] = {0x80, key, 0};
        driver.on_message_at_frame(down, 3, now + kRate / 2 + i * kRate / 5);
        driver.on_message_at_frame(up, 3, now + kRate / 2 + i * kRate / 5 + kRate / 6);
      }
    }
    driver.render(left.data(), right.data(), kBlock, -1);
    // The main thread's part, as the session's poll does it: alone, the jam's beat leads.
    if (blocks % 20 == 0) link.lead(core.jam().performer().jam_beat().beat());
    // Alone, the session's tempo is the metronome's once the jam has led it.
    if (link.peers() == 0 && std::abs(link.tempo() - 90.0) < 0.01) ++led;
    std::this_thread::sleep_until(begin +
                                  std::chrono::microseconds((now + kBlock) * 1'000'000LL / kRate));
  }
  done = true;
  other.join();
  core.stop();
  const unsigned long long answers = core.jam().performer().counters().answers.load();
  std::printf(
      "%lld blocks through the jam core with Link as its transport: followed the session %d "
      "times, led it alone in %lld blocks, %llu answers; no RealtimeSanitizer report\n",
      blocks, followed.load(), led, answers);
  if (met.load() == 0) {
    std::printf(
        "SKIP: two Link peers in one process never met: this machine's network has no "
        "multicast for Link's discovery\n");
    return 77;
  }
  return followed.load() > 0 && led > 0 && answers > 0 ? 0 : 1;
}
