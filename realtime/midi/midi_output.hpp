#pragma once
// MIDI out through RtMidi: the model's notes to an external synth, as well as or instead of
// FluidSynth. The audio thread forwards each model event at the frame it applies it
// (AudioEngine::forwarded); a thread of this class sends them, so the external synth hears the
// answer in step with FluidSynth, one buffer later at most. RtMidi's send may lock or allocate:
// it never runs on the audio thread.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "engine/audio_engine.hpp"
#include "events/midi_message.hpp"
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
  // Throws DeviceError with one line.
  MidiOutput(const MidiOutputOptions& options, AudioEngine& engine);
  ~MidiOutput();
  MidiOutput(const MidiOutput&) = delete;
  MidiOutput& operator=(const MidiOutput&) = delete;

  void start();  // sets engine.forward_model and starts sending
  void stop();   // sends what is left, then all-notes-off on every channel

  std::uint64_t sent() const { return sent_.load(); }
  std::string description() const;

 private:
  void send_pending();

  MidiOutputOptions options_;
  AudioEngine& engine_;
  MidiSystem system_;
  RtMidiErrors errors_;
  std::unique_ptr<RtMidiOut> out_;
  std::string port_name_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> sent_{0};
  std::thread thread_;
};

}  // namespace mlstm::rt
