#pragma once
// Runs on the thread that delivers MIDI input (RtMidi's callback, or the replay source): judges
// each message, stamps it with the audio frame it must sound at, and pushes it to the audio
// thread on the player's channel (monitoring), and to a listener (the performer) if one is set.
// Never waits: a full queue counts the message as dropped.
//
// Timing: a message arriving at time t sounds at frame_at(t) + latency. A fixed latency of one
// audio buffer turns the jitter of callbacks into a constant delay: the player hears every note at
// the same offset from when it was played, and the recorder keeps those relative times exactly.

#include <atomic>
#include <cstdint>

#include "engine/audio_engine.hpp"
#include "engine/nonblocking.hpp"
#include "events/midi_message.hpp"
#include "midi/midi_receiver.hpp"

namespace mlstm::rt {

// The keys bound by MIDI learn to a knob or an action: the router passes their note-ons to the
// performer alone (not heard, not recorded). Written by the performer's thread, read by the MIDI
// thread.
class ControlKeys {
 public:
  bool has(int key) const noexcept {
    if (key < 0 || key > 127) return false;
    return (bits_[key / 64].load(std::memory_order_relaxed) >> (key % 64)) & 1u;
  }
  void set(const std::uint64_t (&bits)[2]) noexcept {
    bits_[0].store(bits[0], std::memory_order_relaxed);
    bits_[1].store(bits[1], std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> bits_[2] = {0, 0};
};

struct RouterOptions {
  int player_channel = 0;    // every input channel plays on this one
  int latency_frames = 256;  // one buffer at the default settings
};

class InputRouter final : public MidiReceiver {
 public:
  using ListenerQueue = SpscQueue<SynthEvent, 8192>;

  // `target`: the engine's queue this router feeds (default: the player's; the panel's keyboard
  // has a router of its own on keyboard_input()).
  InputRouter(AudioEngine& engine, const RouterOptions& options,
              AudioEngine::InputQueue* target = nullptr)
      : engine_(engine),
        target_(target ? *target : engine.player_input()),
        options_(options),
        latency_frames_(options.latency_frames) {}

  // [audio-thread] (JACK's MIDI callback; RtMidi's thread on ALSA) A message that arrived at
  // `steady_ns` (std::chrono::steady_clock).
  void on_message(const std::uint8_t* bytes, std::size_t size,
                  std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING override;
  // [audio-thread] (the jam core's process(); the offline path) A message that must sound at
  // exactly `frame`.
  void on_message_at_frame(const std::uint8_t* bytes, std::size_t size,
                           std::int64_t frame) noexcept MLSTM_NONBLOCKING override;

  // The performer's copy of the player's events (set before input starts).
  void set_listener(ListenerQueue* listener) noexcept { listener_ = listener; }
  // The keys that go to the listener alone (set before input starts).
  void set_control_keys(const ControlKeys* keys) noexcept { control_keys_ = keys; }

  const InputCounters& counters() const noexcept { return counters_; }
  const RouterOptions& options() const noexcept { return options_; }
  // The fixed latency in frames; the session sets it to the audio device's block once that is
  // open (JACK's period can differ from the one asked for).
  int latency_frames() const noexcept { return latency_frames_.load(std::memory_order_relaxed); }
  void set_latency_frames(int frames) noexcept {
    latency_frames_.store(frames, std::memory_order_relaxed);
  }

 private:
  AudioEngine& engine_;
  AudioEngine::InputQueue& target_;
  RouterOptions options_;
  std::atomic<int> latency_frames_;
  ListenerQueue* listener_ = nullptr;
  const ControlKeys* control_keys_ = nullptr;
  InputCounters counters_;
};

}  // namespace mlstm::rt
