#pragma once
// MIDI in: a port opened by number or name, or a virtual port that a keyboard or a DAW connects
// to. On JACK our own libjack port keeps each event's frame (jack_midi_input.hpp says why); on
// ALSA, RtMidi. Either hands every message to its receiver (midi/midi_receiver.hpp) from its own
// thread (JACK's process thread, RtMidi's input thread), and the receiver never waits; except on
// the jam's JACK client, whose audio callback reads the port itself (jack_port()) and hands the
// cycle's messages to the jam core at their frames.
//
// A port that disappears mid-session is noticed by check_connection() (the session calls it every
// half second), said once, and reopened when a port of that name returns; the session runs on.

#include <memory>
#include <string>
#include <vector>

#include "midi/jack_midi_input.hpp"
#include "midi/midi_receiver.hpp"
#include "midi/midi_system.hpp"

namespace mlstm::rt {

struct MidiInputOptions {
  MidiSystem system = MidiSystem::kAuto;
  std::string port;  // number or part of a name; with virtual_port, the port's name
  bool virtual_port = false;
  std::string client = "music-lstm";
};

class MidiInput {
 public:
  // Opens the port. Throws DeviceError with one line (no MIDI system, no such port: the ports
  // there are). `jack`: the jam's JACK client, used when the system is JACK: the port is ours on
  // it, and start() connects it once the client is active.
  MidiInput(const MidiInputOptions& options, MidiReceiver& receiver, JackClient* jack = nullptr);
  ~MidiInput();
  MidiInput(const MidiInput&) = delete;
  MidiInput& operator=(const MidiInput&) = delete;

  // On the jam's JACK client, once it is active: connects the source. Throws DeviceError.
  void start();
  // On the jam's JACK client: another source (or a virtual port under another name) for the same
  // port, which the audio callback goes on reading. Returns an error line (the old connection
  // kept), or empty.
  std::string retarget(const MidiInputOptions& options);
  // The port the jam's audio callback reads; null when messages reach the receiver instead.
  JackMidiInput* jack_port() { return shared_jack_ ? jack_.get() : nullptr; }

  // A line to print when the port went away or came back, else empty. Not the audio thread.
  std::string check_connection();

  bool connected() const { return connected_; }
  MidiSystem system() const { return system_; }
  // "JACK port 'a2j:Keyboard'" / "virtual JACK port 'music-lstm:in'".
  std::string description() const;

 private:
  void open_jack(JackClient* shared);
  // The source port options_.port names (or the first there is), checked; throws DeviceError.
  std::string choose_source() const;
  void open_alsa();
  // The source ports there are now (on JACK, others' MIDI outputs; on ALSA, RtMidi's list).
  std::vector<std::string> sources() const;
  // Connects to port_name_; false when it is not there.
  bool connect();

  MidiInputOptions options_;
  MidiReceiver& receiver_;
  MidiSystem system_;
  std::unique_ptr<JackMidiInput> jack_;
  RtMidiErrors errors_;
  std::unique_ptr<RtMidiIn> in_, probe_;
  std::string port_name_;
  bool connected_ = false;
  bool shared_jack_ = false;
  bool server_lost_said_ = false;
};

}  // namespace mlstm::rt
