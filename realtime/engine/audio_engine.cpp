// REAL-TIME CODE: process() and everything it calls run on the audio thread. No allocation, no
// lock, no log, no wait: tests/realtime/ runs this file under RealtimeSanitizer.
#include "engine/audio_engine.hpp"

#include <algorithm>
#include <limits>

namespace mlstm::rt {

AudioEngine::AudioEngine(Instrument& instrument, int sample_rate)
    : instrument_(instrument), clock_(sample_rate) {}

void AudioEngine::take(InputQueue& queue, std::int64_t block_start) noexcept {
  SynthEvent e;
  while (queue.try_pop(e)) {
    if (e.kind == EventKind::kPanic) {
      // Now, before anything pending: the pending events are what panic exists to drop.
      pending_.clear();
      apply(e, block_start);
      continue;
    }
    if (e.frame == kFrameNow) {
      e.frame = block_start;
    } else if (e.frame < block_start) {
      counters_.late_events.fetch_add(1, std::memory_order_relaxed);
      e.frame = block_start;
    }
    if (!pending_.insert(e)) counters_.pending_dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void AudioEngine::apply(SynthEvent e, std::int64_t frame) noexcept {
  const bool model = e.voice == Voice::kModel;
  const bool heard = (e.route & kRouteHear) != 0;
  if (e.kind == EventKind::kChannelSilence) pending_.clear_channel(e.channel);
  if (e.kind == EventKind::kPanic) counters_.panics.fetch_add(1, std::memory_order_relaxed);
  if (heard &&
      (!model || model_to_synth.load(std::memory_order_relaxed) || e.kind == EventKind::kPanic)) {
    instrument_.apply(e);
  }
  counters_.events_applied.fetch_add(1, std::memory_order_relaxed);
  e.frame = frame;
  if (heard && record_played.load(std::memory_order_relaxed) && !played_.try_push(e)) {
    counters_.played_dropped.fetch_add(1, std::memory_order_relaxed);
  }
  const bool out = (model || e.kind == EventKind::kPanic || e.kind == EventKind::kClock) &&
                   (e.route & kRouteSend) != 0;
  if (out && forward_model.load(std::memory_order_relaxed) && !forwarded_.try_push(e)) {
    counters_.forwarded_dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void AudioEngine::process(float* left, float* right, int frames,
                          std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING {
  frames = std::clamp(frames, 0, kMaxBlockFrames);
  const std::int64_t start = next_frame_;
  clock_.publish(start, steady_ns);
  take(control_in_, start);
  take(player_in_, start);
  take(keyboard_in_, start);
  take(model_in_, start);

  // Render up to the next due event, apply it (and all others at that frame), go on.
  int done = 0;
  for (;;) {
    SynthEvent e;
    while (pending_.pop_due(start + done + 1, e)) apply(e, start + done);
    std::int64_t due = std::numeric_limits<std::int64_t>::max();
    pending_.next_frame(due);
    const int until = due < start + frames ? static_cast<int>(due - start) : frames;
    if (until > done) {
      instrument_.render(left + done, right + done, until - done);
      done = until;
    }
    if (done >= frames) break;
  }

  if (capture_audio.load(std::memory_order_relaxed)) {
    for (int i = 0; i < frames; ++i) {
      interleave_[2 * i] = left[i];
      interleave_[2 * i + 1] = right[i];
    }
    // Whole frames only, so a full ring never swaps the channels of what follows.
    const std::size_t wanted = 2 * static_cast<std::size_t>(frames);
    const std::size_t room = tap_.writable() & ~std::size_t{1};
    const std::size_t pushed = tap_.push_some(interleave_, std::min(wanted, room));
    if (pushed < wanted) {
      counters_.tap_dropped_frames.fetch_add((wanted - pushed) / 2, std::memory_order_relaxed);
    }
  }
  next_frame_ = start + frames;
  counters_.blocks.fetch_add(1, std::memory_order_relaxed);
  counters_.frames.fetch_add(static_cast<std::uint64_t>(frames), std::memory_order_relaxed);
}

}  // namespace mlstm::rt
