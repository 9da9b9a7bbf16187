#pragma once
// The standalone program's shell around the jam core: what its devices call, as a plugin host
// calls the plugin. Its MIDI sources (RtMidi's thread, the JACK MIDI client, the replay) hand the
// player's messages here; each is stamped with the frame it must sound at and queued; the audio
// device's callback (audio/audio_callback.hpp, as a BlockRenderer) gathers those due in its block
// into the block's MIDI in, at their frames within it, and runs JamCore::process() on it.
//
// Timing, as the input router keeps it for `play`: a message that arrived at steady time t sounds
// at the frame playing at t plus one device block, so the jitter of callbacks becomes one fixed
// delay and every note keeps its distance from the one before. A message that arrives too late
// for its block sounds at the block's first frame; the frames handed to the core never go back.
//
// On the jam's JACK client the device hands the cycle's MIDI in with its frames
// (render_block()): those go to the core at exactly those frames, merged with what the other
// sources queued, and the model's MIDI comes back at its frames for the client's MIDI out.
//
// Threads:
//   [midi-thread]  on_message(), on_message_at_frame(): one source at a time (a single-producer
//                  queue); never waits;
//   [audio-thread] render(): RealtimeSanitizer runs it (tests/realtime/rtsan_jack_callbacks.cpp);
//   [any thread]   the rest.

#include <atomic>
#include <cstdint>

#include "core/jam_core.hpp"
#include "core/midi_block.hpp"
#include "core/transport_provider.hpp"
#include "engine/block_renderer.hpp"
#include "events/midi_message.hpp"
#include "midi/midi_receiver.hpp"
#include "queue/spsc_queue.hpp"

namespace mlstm::rt {

class CoreDriver final : public MidiReceiver, public BlockRenderer {
 public:
  // `latency_frames`: one device block (set_latency_frames() once the device is open).
  CoreDriver(JamCore& core, int latency_frames);

  // MidiReceiver [midi-thread]
  void on_message(const std::uint8_t* bytes, std::size_t size,
                  std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING override;
  void on_message_at_frame(const std::uint8_t* bytes, std::size_t size,
                           std::int64_t frame) noexcept MLSTM_NONBLOCKING override;

  // BlockRenderer [audio-thread]
  void render(float* left, float* right, int frames,
              std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING override;
  void render_block(float* left, float* right, int frames, std::int64_t steady_ns,
                    std::span<const BlockMidiEvent> in,
                    MidiBlock& out) noexcept MLSTM_NONBLOCKING override;
  std::int64_t next_frame() const noexcept override { return core_.next_block(); }
  int sample_rate() const noexcept override { return core_.engine().sample_rate(); }

  // [any thread] The frame at which a message arriving now would sound: the live performer's
  // clock (JamCore::start), on the same time line as the player's stamped messages.
  std::int64_t now() const noexcept;

  int latency_frames() const noexcept { return latency_frames_.load(std::memory_order_relaxed); }
  void set_latency_frames(int frames) noexcept {
    latency_frames_.store(frames, std::memory_order_relaxed);
  }
  // [main-thread] A transport for the core (Link), asked at every block; null: none, the
  // standalone's beat comes from MIDI clock in, the metronome or the player.
  void set_transport(TransportProvider* provider) noexcept {
    provider_.store(provider, std::memory_order_release);
  }

  // What the core's router judged, with what could not reach it: messages longer than a block's
  // three bytes (sysex, malformed) are judged here, and a full queue counts as dropped.
  void add_counts(InputCounters& into) const noexcept;

 private:
  // One message as queued: its frame and (at most) three bytes.
  struct Stamped {
    std::int64_t frame = 0;
    std::uint8_t size = 0;
    std::uint8_t bytes[3] = {0, 0, 0};
  };
  // [audio-thread] The queued messages due before `block_start + frames`, into in_.
  void gather(std::int64_t block_start, int frames) noexcept;
  // [audio-thread] The provider's transport at the next block (none without one).
  HostTransport transport() noexcept;

  JamCore& core_;
  std::atomic<int> latency_frames_;
  std::atomic<TransportProvider*> provider_{nullptr};
  SpscQueue<Stamped, 8192> queue_;
  InputCounters counted_;  // what never reached the core's router
  // The audio thread's own: a message popped that is due in a later block, the block's MIDI in
  // and out (the standalone has no MIDI thru: the model's events leave through the engine's
  // forwarded queue, JamCoreOptions::model_to_block).
  Stamped held_{};
  bool holding_ = false;
  MidiBlock in_, out_, merged_;
};

}  // namespace mlstm::rt
