#pragma once
// The audio thread's work, the same whether PortAudio calls it (audio/portaudio_output) or a plain
// loop does (audio/offline_driver): take the events that other threads queued, keep those due in
// later blocks, apply each one at its own sample within the block, render, and report what was
// applied (to the recorder, to MIDI out) and when.
//
// Producers, one queue each (single producer, single consumer): the player (MIDI input thread or
// the replay source; the panel's keyboard on a queue of its own), the model (the performer's
// thread), control (the main thread: programs, volumes, panic). Consumers of the engine's output
// queues: the recorder, MIDI out.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "engine/audio_clock.hpp"
#include "engine/block_renderer.hpp"
#include "engine/event_scheduler.hpp"
#include "engine/nonblocking.hpp"
#include "events/synth_event.hpp"
#include "queue/spsc_queue.hpp"
#include "synth/instrument.hpp"

namespace mlstm::rt {

// Counts the audio thread keeps; other threads read them. The *_dropped ones must stay 0.
struct EngineCounters {
  std::atomic<std::uint64_t> blocks{0};
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> events_applied{0};
  std::atomic<std::uint64_t> late_events{0};      // due in a block already rendered: played at once
  std::atomic<std::uint64_t> pending_dropped{0};  // the store of future events was full
  std::atomic<std::uint64_t> played_dropped{0};   // the recorder fell behind
  std::atomic<std::uint64_t> forwarded_dropped{0};   // MIDI out fell behind
  std::atomic<std::uint64_t> tap_dropped_frames{0};  // the audio capture fell behind
  // Panics applied (from any queue): the performer drops the answer it has not handed over yet.
  std::atomic<std::uint64_t> panics{0};
};

class AudioEngine final : public BlockRenderer {
 public:
  static constexpr std::size_t kInputCapacity = 8192;
  static constexpr std::size_t kPendingCapacity = 16384;
  static constexpr std::size_t kOutputCapacity = 16384;
  // About 5.5 s of stereo audio at 48 kHz for the capture writer to fall behind by.
  static constexpr std::size_t kTapCapacity = 1u << 19;
  using InputQueue = SpscQueue<SynthEvent, kInputCapacity>;
  using OutputQueue = SpscQueue<SynthEvent, kOutputCapacity>;
  using TapQueue = SpscQueue<float, kTapCapacity>;

  AudioEngine(Instrument& instrument, int sample_rate);
  AudioEngine(const AudioEngine&) = delete;
  AudioEngine& operator=(const AudioEngine&) = delete;

  InputQueue& player_input() noexcept { return player_in_; }
  // The player's notes from a second source (the panel's on-screen and computer keyboard): one
  // producer per queue.
  InputQueue& keyboard_input() noexcept { return keyboard_in_; }
  InputQueue& model_input() noexcept { return model_in_; }
  InputQueue& control_input() noexcept { return control_in_; }

  // Every applied event with the frame it was applied at, in order (on when recording).
  OutputQueue& played() noexcept { return played_; }
  // The model's applied events, for an external synth (on when forwarding).
  OutputQueue& forwarded() noexcept { return forwarded_; }
  // The rendered audio, interleaved stereo (on when capturing).
  TapQueue& tap() noexcept { return tap_; }

  // Switches, set by other threads before or during the audio.
  std::atomic<bool> record_played{false};
  std::atomic<bool> forward_model{false};
  std::atomic<bool> model_to_synth{true};  // off: the model plays only on MIDI out
  std::atomic<bool> capture_audio{false};

  // The audio thread's entry: renders the next `frames` frames (at most kMaxBlockFrames) into two
  // channels; `steady_ns` is when this block began (std::chrono::steady_clock, or the offline
  // driver's own time) and feeds the clock.
  static constexpr int kMaxBlockFrames = BlockRenderer::kMaxFrames;
  void process(float* left, float* right, int frames,
               std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING;

  // BlockRenderer: what a device or the offline loop runs when the engine plays alone.
  void render(float* left, float* right, int frames,
              std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING override {
    process(left, right, frames, steady_ns);
  }
  std::int64_t next_frame() const noexcept override {
    return static_cast<std::int64_t>(counters_.frames.load(std::memory_order_relaxed));
  }

  const AudioClock& clock() const noexcept { return clock_; }
  const EngineCounters& counters() const noexcept { return counters_; }
  int sample_rate() const noexcept override { return clock_.sample_rate(); }
  std::size_t pending() const noexcept { return pending_.size(); }

 private:
  void take(InputQueue& queue, std::int64_t block_start) noexcept;
  void apply(SynthEvent event, std::int64_t frame) noexcept;

  Instrument& instrument_;
  AudioClock clock_;
  EngineCounters counters_;
  std::int64_t next_frame_ = 0;
  InputQueue player_in_, keyboard_in_, model_in_, control_in_;
  OutputQueue played_, forwarded_;
  TapQueue tap_;
  EventScheduler<kPendingCapacity> pending_;
  float interleave_[2 * kMaxBlockFrames] = {};
};

}  // namespace mlstm::rt
