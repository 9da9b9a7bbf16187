#pragma once
// Where a MIDI source (RtMidi's thread, JACK's MIDI callback, the replay source) hands the
// player's messages: the input router, which stamps and routes them to the audio engine itself
// (play, listen), or the jam core's input (core/core_driver.hpp), which stamps them and queues them
// for the core's process() (the jam). One source per receiver: its queues have one producer.

#include <cstddef>
#include <cstdint>

#include "engine/nonblocking.hpp"

namespace mlstm::rt {

class MidiReceiver {
 public:
  virtual ~MidiReceiver() = default;
  // [audio-thread] (JACK's MIDI callback; RtMidi's thread on ALSA; the replay's thread) A message
  // that arrived at `steady_ns` (std::chrono::steady_clock). Never waits.
  virtual void on_message(const std::uint8_t* bytes, std::size_t size,
                          std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING = 0;
  // [audio-thread] (the offline path) A message that must sound at exactly `frame`.
  virtual void on_message_at_frame(const std::uint8_t* bytes, std::size_t size,
                                   std::int64_t frame) noexcept MLSTM_NONBLOCKING = 0;
};

}  // namespace mlstm::rt
