// A second Ableton Link peer for the jam's tests (issue 36): another app in the session, as
// Ableton Live or a drum machine app would be. It joins at --bpm, reports on standard output what
// the session does, and on standard input takes tempo changes at a given time on Link's clock.
//
// Standard output, one line each, flushed (times in microseconds on Link's clock):
//   up T BPM                  joined the session
//   peers N T                 the other peers changed
//   timeline T BPM BEAT0      the session's timeline from T on: beat b is heard at
//                             BEAT0 + b * 60e6 / BPM
// Standard input:
//   tempo BPM AT              at AT (or now, if AT has passed), the session's tempo becomes BPM
//   quit                      leave now (the end of standard input does not: --seconds does)
#include <CLI/CLI.hpp>
#include <ableton/Link.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace {

struct Change {
  double bpm = 0;
  std::int64_t at = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"A Link peer for the tests: joins a session and reports what it does"};
  double bpm = 100.0;
  double seconds = 60.0;
  double quantum = 4.0;
  app.add_option("--bpm", bpm, "Tempo when it founds the session")->check(CLI::Range(20.0, 999.0));
  app.add_option("--seconds", seconds, "Leave after this long")->check(CLI::Range(0.1, 3600.0));
  app.add_option("--quantum", quantum, "Beats in a bar")->check(CLI::Range(1.0, 16.0));
  CLI11_PARSE(app, argc, argv);

  ableton::Link link(bpm);
  link.enable(true);
  const auto now = [&link] { return static_cast<long long>(link.clock().micros().count()); };
  std::printf("up %lld %.3f\n", now(), bpm);
  std::fflush(stdout);

  std::mutex mutex;
  std::optional<Change> pending;
  std::atomic<bool> quit{false};
  std::thread input([&] {
    std::string line;
    while (!quit && std::getline(std::cin, line)) {
      std::istringstream words(line);
      std::string verb;
      words >> verb;
      if (verb == "quit") {
        quit = true;
        break;
      }
      Change c;
      if (verb == "tempo" && (words >> c.bpm >> c.at) && c.bpm >= 20 && c.bpm <= 999) {
        const std::lock_guard lock(mutex);
        pending = c;
      } else {
        std::fprintf(stderr, "link_peer: not understood: %s\n", line.c_str());
      }
    }
    // At the end of standard input (none given) it stays until --seconds.
  });
  input.detach();  // std::getline cannot be interrupted; the process's exit ends it

  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::size_t peers = 0;
  double last_bpm = 0, last_beat0 = 0;
  while (!quit && std::chrono::steady_clock::now() < end) {
    std::optional<Change> due;
    {
      const std::lock_guard lock(mutex);
      if (pending && pending->at <= now()) due.swap(pending);
    }
    auto state = link.captureAppSessionState();
    std::int64_t from = now();
    if (due) {
      from = std::max<std::int64_t>(due->at, from - 2000);  // found within a millisecond or two
      state.setTempo(due->bpm, std::chrono::microseconds(from));
      link.commitAppSessionState(state);
    }
    if (const std::size_t n = link.numPeers(); n != peers) {
      peers = n;
      std::printf("peers %zu %lld\n", n, now());
    }
    const double beat0 = static_cast<double>(state.timeAtBeat(0.0, quantum).count());
    // A new timeline: another tempo, or beat 0 moved by more than clock rounding.
    if (std::abs(state.tempo() - last_bpm) > 1e-6 || std::abs(beat0 - last_beat0) > 2.0) {
      last_bpm = state.tempo();
      last_beat0 = beat0;
      std::printf("timeline %lld %.6f %.0f\n", static_cast<long long>(from), last_bpm, beat0);
    }
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  link.enable(false);
  return 0;
}
