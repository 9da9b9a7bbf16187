#pragma once
// MIDI in straight from libjack, used when the MIDI system is JACK.
//
// Why not RtMidi here: RtMidi's JACK backend hands over a cycle's messages without their frame
// offsets (it stamps them all with the time of the process call), so every note played within
// one 256-frame cycle would sound at the same frame, up to 5.3 ms from where it was played. JACK
// gives each event its frame within the cycle; this input keeps it, and maps it onto the steady
// clock the audio clock reads. RtMidi still serves ALSA, MIDI out and the port lists.
//
// The process callback runs on JACK's real-time thread: it reads the port buffer and hands each
// message to its receiver (the input router, or the jam core's input), which never waits.

#include <jack/jack.h>

#include <atomic>
#include <string>
#include <vector>

#include "engine/nonblocking.hpp"
#include "midi/midi_receiver.hpp"

namespace mlstm::rt {

class JackMidiInput {
 public:
  // Opens the JACK client `client` with one MIDI input port `port`, active at once. Throws
  // DeviceError (no server, a name taken).
  JackMidiInput(const std::string& client, const std::string& port, MidiReceiver& receiver);
  ~JackMidiInput();
  JackMidiInput(const JackMidiInput&) = delete;
  JackMidiInput& operator=(const JackMidiInput&) = delete;

  // The JACK MIDI output ports others offer now ("a2j:Keyboard [20] (capture): Keyboard"), ours
  // left out.
  std::vector<std::string> sources() const;
  bool source_exists(const std::string& source) const;
  // Connects `source` to our port; false when that fails (the port is gone).
  bool connect_from(const std::string& source);

  // The server shut down or dropped this client; nothing arrives any more.
  bool server_lost() const noexcept { return server_lost_.load(std::memory_order_acquire); }
  // Our port's full name, "music-lstm:in".
  std::string port_name() const;

 private:
  // [audio-thread] JACK's process callback (RealtimeSanitizer: tests/realtime/).
  static int process(jack_nframes_t frames, void* self) noexcept MLSTM_NONBLOCKING;
  static void on_shutdown(void* self) noexcept;

  MidiReceiver& receiver_;
  jack_client_t* client_ = nullptr;
  jack_port_t* port_ = nullptr;
  std::atomic<bool> server_lost_{false};
};

}  // namespace mlstm::rt
