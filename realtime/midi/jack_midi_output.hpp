#pragma once
// MIDI out as a port on the jam's JACK client (audio/jack_client.hpp): the process callback that
// ran the jam core writes the model's notes and MIDI clock out at the frames the engine applied
// them, in the same cycle (issue 36). A drum machine or a DAW on the same JACK server gets them
// frame-exact; RtMidi's JACK backend (midi/midi_output.hpp, still used for ALSA) writes a cycle's
// messages at frame 0 of the next cycle, up to two periods from where they were meant.
//
// Threads: [main-thread] construction, connect_to(), request_all_off() and its wait;
// [audio-thread] write().

#include <jack/jack.h>

#include <atomic>
#include <span>
#include <string>
#include <vector>

#include "audio/jack_client.hpp"
#include "core/midi_block.hpp"
#include "engine/nonblocking.hpp"

namespace mlstm::rt {

class JackMidiOutput {
 public:
  // Registers the MIDI output port `port` on `client`. Throws DeviceError.
  JackMidiOutput(JackClient& client, const std::string& port);
  JackMidiOutput(const JackMidiOutput&) = delete;
  JackMidiOutput& operator=(const JackMidiOutput&) = delete;

  // [audio-thread] The cycle's MIDI out: `events` (frames within the cycle, in order) written to
  // the port's buffer, after all-notes-off on every channel at frame 0 when one was asked for.
  // Events that do not fit the buffer are counted in dropped().
  void write(jack_nframes_t frames,
             std::span<const BlockMidiEvent> events) noexcept MLSTM_NONBLOCKING;

  // The JACK MIDI input ports there are now (where the model's notes can go), ours left out.
  std::vector<std::string> destinations() const;
  // Connects our port to `destination` (a number in destinations() or part of a name). Returns
  // an error line naming the ports there are, or empty. The client must be active.
  std::string connect_to(const std::string& destination);
  // [main-thread] All notes off on every channel in the next cycle; waits (at most `wait_ms`) for
  // it to be written. False when no cycle ran in that time.
  bool all_notes_off(int wait_ms = 200);

  std::uint64_t sent() const noexcept { return sent_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::string port_name() const { return jack_port_name(port_); }

 private:
  JackClient& client_;
  jack_port_t* port_ = nullptr;
  std::atomic<bool> all_off_{false};
  std::atomic<std::uint64_t> sent_{0}, dropped_{0};
};

}  // namespace mlstm::rt
