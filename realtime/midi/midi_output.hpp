#pragma once
// MIDI out: the model's notes to an external synth, as well as or instead of FluidSynth.
//
// On the jam's JACK client (a session that runs the jam on JACK), a port of that client
// (midi/jack_midi_output.hpp): the jam core puts the model's events in its block's MIDI out and
// the same process callback writes them at their frames. Frame-exact, nothing waits.
//
// Otherwise through RtMidi (ALSA, or `play` on JACK): the audio thread forwards each model event
// at the frame it applies it (AudioEngine::forwarded); a thread of this class sends them, so the
// external synth hears the answer in step with FluidSynth, one buffer later at most (ALSA's
// sequencer stamps them on arrival; RtMidi's JACK backend writes them at the next cycle's first
// frame). RtMidi's send may lock or allocate: it never runs on the audio thread.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "engine/audio_engine.hpp"
#include "events/midi_message.hpp"
#include "midi/jack_midi_output.hpp"
#include "midi/midi_system.hpp"

namespace mlstm::rt {

struct MidiOutputOptions {
  MidiSystem system = MidiSystem::kAuto;
  std::string port;  // number or part of a name; with virtual_port, the port's name
  bool virtual_port = false;
  std::string client = "music-lstm-out";
};

class MidiOutput {
 public:
  // Throws DeviceError with one line. `jack`: the jam's JACK client, used when the system is
  // JACK (the port is checked now and connected by start(), once the client is active).
  MidiOutput(const MidiOutputOptions& options, AudioEngine& engine, JackClient* jack = nullptr);
  ~MidiOutput();
  MidiOutput(const MidiOutput&) = delete;
  MidiOutput& operator=(const MidiOutput&) = delete;

  void start();  // sets engine.forward_model and starts sending; throws DeviceError
  void stop();   // sends what is left, then all-notes-off on every channel

  // On the jam's JACK client: the port the process callback writes (JackMidiOutput::write);
  // null through RtMidi.
  JackMidiOutput* jack_port() { return jack_.get(); }

  std::uint64_t sent() const { return jack_ ? jack_->sent() : sent_.load(); }
  std::string description() const;

 private:
  void send_pending();

  MidiOutputOptions options_;
  AudioEngine& engine_;
  MidiSystem system_;
  RtMidiErrors errors_;
  std::unique_ptr<RtMidiOut> out_;
  std::unique_ptr<JackMidiOutput> jack_;
  std::string port_name_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> sent_{0};
  std::thread thread_;
};

}  // namespace mlstm::rt
