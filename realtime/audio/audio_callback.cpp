// REAL-TIME CODE: runs on the audio thread (PortAudio's callback, JACK's process thread). No
// allocation, no lock, no log, no wait: tests/realtime/ calls it under RealtimeSanitizer.
#include "audio/audio_callback.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>

namespace mlstm::rt {
namespace {

// The CPU time of the calling thread: what the callback itself worked, preemptions left out.
// (std::chrono has no thread clock; clock_gettime neither allocates nor blocks.)
std::int64_t thread_cpu_ns() noexcept {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

}  // namespace

int audio_callback(const void*, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
                   PaStreamCallbackFlags flags, void* user) noexcept MLSTM_NONBLOCKING {
  auto& c = *static_cast<CallbackContext*>(user);
  const auto begin = std::chrono::steady_clock::now();
  const std::int64_t cpu_begin = thread_cpu_ns();
  if (flags & (paOutputUnderflow | paOutputOverflow)) {
    // The device ran dry: a real xrun, already counted when the last callback overran.
    c.stats->add_notification();
    if (!c.last_overran) c.stats->add_xrun();
  }
  auto* out = static_cast<float*>(output);
  // PortAudio may ask for more than we render at once: go in pieces.
  unsigned long done = 0;
  while (done < frames) {
    const int n =
        static_cast<int>(std::min<unsigned long>(frames - done, AudioEngine::kMaxBlockFrames));
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    c.renderer->render(c.left, c.right, n, now);
    for (int i = 0; i < n; ++i) {
      out[2 * (done + static_cast<unsigned long>(i))] = c.left[i];
      out[2 * (done + static_cast<unsigned long>(i)) + 1] = c.right[i];
    }
    done += static_cast<unsigned long>(n);
  }
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  const std::int64_t elapsed_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  const std::int64_t cpu_ns = thread_cpu_ns() - cpu_begin;
  const std::int64_t period_ns = static_cast<std::int64_t>(frames) * 1'000'000'000 / c.sample_rate;
  c.stats->record(elapsed_ns, cpu_ns, period_ns);
  c.last_overran = cpu_ns > period_ns;
  return paContinue;
}

void render_planar(CallbackContext& c, float* left, float* right, unsigned long frames,
                   std::int64_t first_steady_ns, std::span<const BlockMidiEvent> midi_in,
                   MidiBlock* midi_out) noexcept MLSTM_NONBLOCKING {
  const auto begin = std::chrono::steady_clock::now();
  const std::int64_t cpu_begin = thread_cpu_ns();
  unsigned long done = 0;
  if (midi_out) {
    c.renderer->render_block(left, right, static_cast<int>(frames), first_steady_ns, midi_in,
                             *midi_out);
    done = frames;
  }
  while (done < frames) {
    const int n =
        static_cast<int>(std::min<unsigned long>(frames - done, AudioEngine::kMaxBlockFrames));
    const std::int64_t at =
        first_steady_ns + static_cast<std::int64_t>(done) * 1'000'000'000 / c.sample_rate;
    c.renderer->render(left + done, right + done, n, at);
    done += static_cast<unsigned long>(n);
  }
  const std::int64_t elapsed_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - begin)
          .count();
  const std::int64_t cpu_ns = thread_cpu_ns() - cpu_begin;
  const std::int64_t period_ns = static_cast<std::int64_t>(frames) * 1'000'000'000 / c.sample_rate;
  c.stats->record(elapsed_ns, cpu_ns, period_ns);
  c.last_overran = cpu_ns > period_ns;
}

}  // namespace mlstm::rt
