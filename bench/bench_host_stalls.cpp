// What a thread's CPU time means on this machine. Each thread spins, reading the wall clock
// (CLOCK_MONOTONIC) and its own CPU time (CLOCK_THREAD_CPUTIME_ID) back to back, and sorts every
// gap of more than --gap-ms between two readings:
//   preempted  the wall clock moved and the CPU time did not: the guest's scheduler ran another
//              thread (more spinners than cores show these);
//   stalled    both moved by the same amount: the virtual CPU itself did not run (the host's
//              scheduler, or the host faulting in guest memory), and the guest charged the time
//              to the running thread, since this kernel reports no steal time.
// The audio callback's overrun count (realtime/engine/callback_stats.hpp) is CPU time over the
// period, so a stall inside a callback counts as an overrun of ours; the JACK tests tell the two
// apart by playing the session again (docs/TESTING.md). Results: docs/BENCHMARKS.md.
//   bench_host_stalls [--threads N] [--seconds S] [--gap-ms MS]
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

std::int64_t now_ns(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

struct Gaps {
  int preempted = 0, stalled = 0;
  double longest_stall_ms = 0;
};

Gaps spin(double seconds, double gap_ms) {
  Gaps g;
  const auto gap_ns = static_cast<std::int64_t>(gap_ms * 1e6);
  const std::int64_t end = now_ns(CLOCK_MONOTONIC) + static_cast<std::int64_t>(seconds * 1e9);
  std::int64_t wall = now_ns(CLOCK_MONOTONIC), cpu = now_ns(CLOCK_THREAD_CPUTIME_ID);
  while (wall < end) {
    const std::int64_t w = now_ns(CLOCK_MONOTONIC), c = now_ns(CLOCK_THREAD_CPUTIME_ID);
    const std::int64_t dw = w - wall, dc = c - cpu;
    if (dw > gap_ns) {
      // Half the wall gap charged as CPU time: mostly a stall (a preemption charges none).
      if (2 * dc > dw) {
        ++g.stalled;
        g.longest_stall_ms = std::max(g.longest_stall_ms, static_cast<double>(dc) / 1e6);
      } else {
        ++g.preempted;
      }
    }
    wall = w;
    cpu = c;
  }
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sorts a spinning thread's gaps into preemptions and stalls charged as CPU time"};
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double seconds = 30, gap_ms = 2;
  app.add_option("--threads", threads, "spinning threads (more than the cores: preemptions too)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--seconds", seconds, "how long each thread spins")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--gap-ms", gap_ms, "the smallest gap counted")
      ->check(CLI::Range(0.05, 1000.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<Gaps> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  for (auto& r : results) pool.emplace_back([&r, seconds, gap_ms] { r = spin(seconds, gap_ms); });
  for (auto& t : pool) t.join();
  Gaps all;
  for (const auto& r : results) {
    all.preempted += r.preempted;
    all.stalled += r.stalled;
    all.longest_stall_ms = std::max(all.longest_stall_ms, r.longest_stall_ms);
  }
  std::printf(
      "%d threads x %.0f s on %u cores, gaps over %.2f ms: %d preempted (CPU time stood still), "
      "%d stalled (charged as CPU time), longest stall %.2f ms\n",
      threads, seconds, std::thread::hardware_concurrency(), gap_ms, all.preempted, all.stalled,
      all.longest_stall_ms);
  return 0;
}
