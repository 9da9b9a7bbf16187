#pragma once
// MIDI in through RtMidi: a port opened by number or name, or a virtual port that a keyboard or a
// DAW connects to. RtMidi's callback (its own thread: JACK's process thread or ALSA's input
// thread) hands every message to the input router, which never waits.
//
// A port that disappears mid-session is noticed by check_connection() (the session calls it every
// half second), said once, and reopened when a port of that name returns; the session runs on.

#include <memory>
#include <string>

#include "midi/input_router.hpp"
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
  // there are).
  MidiInput(const MidiInputOptions& options, InputRouter& router);
  ~MidiInput();
  MidiInput(const MidiInput&) = delete;
  MidiInput& operator=(const MidiInput&) = delete;

  // A line to print when the port went away or came back, else empty. Not the audio thread.
  std::string check_connection();

  bool connected() const { return connected_; }
  MidiSystem system() const { return system_; }
  // "JACK port 'a2j:Keyboard'" / "virtual JACK port 'music-lstm:in'".
  std::string description() const;

 private:
  void open_named(int index);

  MidiInputOptions options_;
  InputRouter& router_;
  MidiSystem system_;
  RtMidiErrors errors_;
  std::unique_ptr<RtMidiIn> in_, probe_;
  std::string port_name_;
  bool connected_ = false;
};

}  // namespace mlstm::rt
