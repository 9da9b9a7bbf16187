#pragma once
// The jam as a core any host can drive (issue 34): a plugin, the standalone program, a test. The
// host calls process() on its audio thread with the block's MIDI in, its transport and (for the
// instrument variant) audio buffers; the core gives back the model's MIDI due in the block, at
// its frames, and the player's MIDI passed through. Around it live the model's worker thread and
// the performer's thread, whose planning is clocked by the frames process() publishes, not by the
// wall clock: a host that renders faster than real time (a DAW's export) gets the same jam.
//
// Two shells drive it: the plugin (plugin/), and the standalone program, whose device callbacks
// run it through core/core_driver.hpp with its MIDI in gathered into blocks.
//
// Threads (as CLAP marks its entry points):
//   [main-thread]  construction, start(), stop(), the knobs (jam().knobs()), destruction;
//   [audio-thread] process(): lock-free, allocation-free, never waits; RealtimeSanitizer runs it
//                  (tests/realtime/rtsan_jam_core.cpp, rtsan_jack_callbacks.cpp);
//   the performer's thread (start()) and the model's worker are the core's own.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/host_transport.hpp"
#include "core/midi_block.hpp"
#include "core/silent_instrument.hpp"
#include "engine/audio_engine.hpp"
#include "engine/nonblocking.hpp"
#include "midi/input_router.hpp"
#include "perform/jam.hpp"

namespace mlstm::rt {

struct JamCoreOptions {
  // The host's sample rate. The performer's options (the model's channel and context, the pedal,
  // the answer bound) come with it; `performer.buffer_frames` is the host's usual block.
  PerformerOptions performer;
  // Live: the model computes on its worker thread and start() ticks the performer on a thread of
  // its own. Not live (tests, the offline jam: a deterministic render, not real time): process()
  // ticks the performer itself once the block's MIDI in is routed, before it renders, and the
  // model computes there when an answer is first needed.
  bool live = true;
  // The model's events in process()'s MIDI out (a plugin). Off: they stay in the engine's
  // forwarded queue for a shell that sends them from a thread of its own (the standalone's MIDI
  // out, midi/midi_output.hpp), which switches the forwarding on and off itself.
  bool model_to_block = true;
  // The player's MIDI in passed through to process()'s MIDI out (a MIDI effect). Off: MIDI out
  // carries the model's events alone (the standalone's MIDI out, to an external synth).
  bool pass_through = true;
};

class JamCore {
 public:
  // [main-thread] `instrument`: what sounds in process()'s audio buffers (FluidSynth for the
  // instrument variant); null: nothing, the host plays the model's MIDI out (the MIDI effect).
  JamCore(Continuer continuer, const JamSettings& settings, const JamCoreOptions& options,
          Instrument* instrument = nullptr);
  ~JamCore();
  JamCore(const JamCore&) = delete;
  JamCore& operator=(const JamCore&) = delete;

  // [main-thread] Live: the performer's thread ticks every 2 ms at `now()`, the frame at which an
  // event queued now would sound: by default the frame the next block starts (a host's MIDI in
  // comes with the frames of the block it is in). A shell whose MIDI in is stamped from the wall
  // clock gives its own (CoreDriver::now()). stop() joins it; safe to call twice.
  void start(std::function<std::int64_t()> now = {});
  void stop();
  // [audio-thread] One block of `frames`: `in` the player's MIDI (frames within the block, in
  // order), `transport` what the host says of its tempo and position at the block's first frame.
  // `out` is cleared and receives `in` passed through and the model's events due in the block
  // (its notes, program and volume on the model's channel, MIDI clock when the knob is on), in
  // frame order. `left` and `right` (may be null) receive the instrument's sound.
  // `steady_ns`: when the block began on std::chrono::steady_clock, for the engine's clock (a
  // device callback knows it; the offline loop gives its frame time); -1: now.
  void process(int frames, const HostTransport& transport, std::span<const BlockMidiEvent> in,
               MidiBlock& out, float* left = nullptr, float* right = nullptr,
               std::int64_t steady_ns = -1) noexcept MLSTM_NONBLOCKING;

  // [any thread] The first frame of the next block: the core's time.
  std::int64_t next_block() const noexcept { return next_frame_.load(std::memory_order_acquire); }
  // [any thread] The MIDI channel (0..15) the model's events go out on, whatever channel the
  // performer plays them on (a plugin's "answer channel" parameter).
  void set_output_channel(int channel) noexcept {
    output_channel_.store(channel & 0x0F, std::memory_order_relaxed);
  }
  // [main-thread, before start()] The model's events to process()'s MIDI out from now on (the
  // standalone on JACK, whose MIDI out is a port of the client that runs process()).
  void set_model_to_block(bool on) noexcept;
  // [any thread] Messages that did not fit a block's MIDI out (must stay 0).
  std::uint64_t midi_out_dropped() const noexcept {
    return out_dropped_.load(std::memory_order_relaxed);
  }

  Jam& jam() { return jam_; }
  AudioEngine& engine() { return engine_; }
  const InputCounters& input_counters() const { return router_.counters(); }

 private:
  void run_chunk(int frames, std::int64_t start, std::span<const BlockMidiEvent> in,
                 std::uint32_t offset, MidiBlock& out, float* left, float* right,
                 std::int64_t steady_ns) noexcept;
  void push_out(MidiBlock& out, const BlockMidiEvent& e) noexcept;

  SilentInstrument silence_;
  AudioEngine engine_;
  InputRouter router_;
  Jam jam_;
  TransportShare transport_;
  const bool live_, pass_through_;
  std::atomic<bool> model_to_block_;
  std::atomic<int> output_channel_;
  std::atomic<std::int64_t> next_frame_{0};
  std::atomic<std::uint64_t> out_dropped_{0};
  // The model's events of one chunk, before they are merged with the pass-through.
  std::array<BlockMidiEvent, MidiBlock::kCapacity> model_out_{};
  float scratch_left_[AudioEngine::kMaxBlockFrames] = {};
  float scratch_right_[AudioEngine::kMaxBlockFrames] = {};
};

}  // namespace mlstm::rt
