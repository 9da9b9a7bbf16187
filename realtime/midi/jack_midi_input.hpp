#pragma once
// MIDI in straight from libjack, used when the MIDI system is JACK.
//
// Why not RtMidi here: RtMidi's JACK backend hands over a cycle's messages without their frame
// offsets (it stamps them all with the time of the process call), so every note played within
// one 256-frame cycle would sound at the same frame, up to 5.3 ms from where it was played. JACK
// gives each event its frame within the cycle, and this input keeps it.
//
// Two ways to run:
// - on a client of its own (`play`, `listen`): its process callback maps each event's frame onto
//   the steady clock the audio clock reads and hands it to its receiver, which never waits;
// - as a port on the jam's client (audio/jack_client.hpp), whose audio callback reads the cycle's
//   events with read() and hands them to the jam core at their frames in the same cycle: no
//   clock mapping and no block of delay, so a clock pulse is heard at the frame it was sent.

#include <jack/jack.h>

#include <memory>
#include <string>
#include <vector>

#include "audio/jack_client.hpp"
#include "core/midi_block.hpp"
#include "engine/nonblocking.hpp"
#include "events/midi_message.hpp"
#include "midi/midi_receiver.hpp"

namespace mlstm::rt {

class JackMidiInput {
 public:
  // On a client of its own named `client`, with one MIDI input port `port`, active at once.
  // Throws DeviceError (no server, a name taken).
  JackMidiInput(const std::string& client, const std::string& port, MidiReceiver& receiver);
  // A port `port` on `shared` (the jam's client), read by its owner's process callback. Throws
  // DeviceError.
  JackMidiInput(JackClient& shared, const std::string& port);
  ~JackMidiInput();
  JackMidiInput(const JackMidiInput&) = delete;
  JackMidiInput& operator=(const JackMidiInput&) = delete;

  // [audio-thread] The shared client's process callback: this cycle's messages into `block` at
  // their frames (cleared first). A block carries three bytes a message: a longer one (sysex,
  // malformed) is judged and counted in unrouted(), as the router would, and so is one that
  // finds the block full (dropped).
  void read(jack_nframes_t frames, MidiBlock& block) noexcept MLSTM_NONBLOCKING;
  // [any thread] What read() could not hand on.
  const InputCounters& unrouted() const noexcept { return unrouted_; }

  // The JACK MIDI output ports others offer now ("a2j:Keyboard [20] (capture): Keyboard"), ours
  // left out.
  std::vector<std::string> sources() const;
  bool source_exists(const std::string& source) const;
  // Connects `source` to our port; false when that fails (the port is gone, or the client is not
  // active yet).
  bool connect_from(const std::string& source);
  // Every connection to our port undone (another source is coming).
  void disconnect_all();
  // Our port under another short name ("in", a virtual port's name); false when JACK refuses.
  bool rename(const std::string& port);

  // The server shut down or dropped the client; nothing arrives any more.
  bool server_lost() const noexcept { return client_->server_lost(); }
  // Our port's full name, "music-lstm:in".
  std::string port_name() const;

 private:
  // [audio-thread] The own client's process callback (RealtimeSanitizer: tests/realtime/).
  static int process(jack_nframes_t frames, void* self) noexcept MLSTM_NONBLOCKING;
  void register_port(const std::string& port);

  MidiReceiver* receiver_ = nullptr;  // the own client's
  std::unique_ptr<JackClient> own_;
  JackClient* client_ = nullptr;
  jack_port_t* port_ = nullptr;
  InputCounters unrouted_;
};

}  // namespace mlstm::rt
