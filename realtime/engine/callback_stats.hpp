#pragma once
// How long each audio callback took, as a share of the buffer period: count, mean, max and a
// histogram for percentiles; and the xruns. The audio thread records with relaxed atomic adds (no
// lock, no allocation); other threads read.
//
// Xruns, in three counts, because an audio system's word for one is not what a listener hears:
// - notifications: every time the audio system said "xrun". JACK says it to every client when any
//   client of the graph is late (another program's, or ours around its activation), and when its
//   own driver wakes up late; none of those needs to have cost our output a sample.
// - xruns: the cycles our output really missed: a callback that ended after its cycle's deadline,
//   a cycle the audio system skipped us in, or a late wake-up of the driver itself (the whole
//   graph missed that cycle). A listener hears these.
// - overruns: the xruns that are ours: the callback's own work (its thread's CPU time) took
//   longer than its period. A late wake-up or a preemption is the scheduler's doing; an overrun is
//   the code's. The JACK tests fail on one the server also saw. (A callback that blocks is not an
//   overrun by this measure: the RealtimeSanitizer tests catch those.)

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

namespace mlstm::rt {

class CallbackStats {
 public:
  // Buckets of 0.5% of the period, up to 200% (the last bucket holds everything above).
  static constexpr int kBuckets = 401;

  // `elapsed_ns`: the callback's wall time (what the histogram shows); `cpu_ns`: the CPU time its
  // thread spent in it, which a preemption or a stalled virtual CPU does not lengthen: the work
  // the code itself did, and what an overrun is judged by.
  void record(std::int64_t elapsed_ns, std::int64_t cpu_ns, std::int64_t period_ns) noexcept {
    count_.fetch_add(1, std::memory_order_relaxed);
    std::int64_t cpu_max = max_cpu_ns_.load(std::memory_order_relaxed);
    while (cpu_ns > cpu_max &&
           !max_cpu_ns_.compare_exchange_weak(cpu_max, cpu_ns, std::memory_order_relaxed)) {
    }
    total_ns_.fetch_add(elapsed_ns, std::memory_order_relaxed);
    std::int64_t max = max_ns_.load(std::memory_order_relaxed);
    while (elapsed_ns > max &&
           !max_ns_.compare_exchange_weak(max, elapsed_ns, std::memory_order_relaxed)) {
    }
    period_ns_.store(period_ns, std::memory_order_relaxed);
    const std::int64_t bucket = period_ns > 0 ? elapsed_ns * 200 / period_ns : 0;
    buckets_[static_cast<std::size_t>(std::clamp<std::int64_t>(bucket, 0, kBuckets - 1))].fetch_add(
        1, std::memory_order_relaxed);
    if (cpu_ns > period_ns) {
      // More work than a period: its output cannot have been ready in time, whatever the
      // scheduler did. An xrun, and ours.
      overruns_.fetch_add(1, std::memory_order_relaxed);
      xruns_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  void add_notification() noexcept { notifications_.fetch_add(1, std::memory_order_relaxed); }
  void add_xrun() noexcept { xruns_.fetch_add(1, std::memory_order_relaxed); }

  std::uint64_t count() const { return count_.load(); }
  std::uint64_t notifications() const { return notifications_.load(); }  // the system's word
  std::uint64_t xruns() const { return xruns_.load(); }                  // cycles we missed
  std::uint64_t overruns() const { return overruns_.load(); }  // callbacks longer than a period
  double period_ms() const { return static_cast<double>(period_ns_.load()) / 1e6; }
  double mean_ms() const {
    const auto n = count_.load();
    return n ? static_cast<double>(total_ns_.load()) / static_cast<double>(n) / 1e6 : 0.0;
  }
  double max_ms() const { return static_cast<double>(max_ns_.load()) / 1e6; }
  double max_cpu_ms() const { return static_cast<double>(max_cpu_ns_.load()) / 1e6; }
  // The share of the period (1.0 = the whole period) below which a fraction `q` of callbacks took.
  double quantile_share(double q) const {
    const auto n = count_.load();
    if (n == 0) return 0.0;
    const auto want = static_cast<std::uint64_t>(q * static_cast<double>(n));
    std::uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += buckets_[static_cast<std::size_t>(i)].load();
      if (seen > want) return (i + 1) / 200.0;
    }
    return kBuckets / 200.0;
  }

 private:
  std::atomic<std::uint64_t> count_{0}, notifications_{0}, xruns_{0}, overruns_{0};
  std::atomic<std::int64_t> total_ns_{0}, max_ns_{0}, max_cpu_ns_{0}, period_ns_{0};
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
};

}  // namespace mlstm::rt
