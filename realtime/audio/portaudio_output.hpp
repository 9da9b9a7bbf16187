#pragma once
// The audio device: a PortAudio output stream (host API, device, sample rate and buffer size
// chosen by the user) whose callback runs the engine. PortAudio's JACK host API makes it a JACK
// client named `client`.

#include <memory>
#include <string>
#include <vector>

#include "audio/audio_callback.hpp"
#include "engine/audio_engine.hpp"
#include "engine/callback_stats.hpp"

namespace mlstm::rt {

struct AudioOptions {
  std::string host_api;  // "JACK", "ALSA", ...; empty: JACK when a server runs, else the default
  std::string device;    // number or part of a name; empty: the host API's default output
  int sample_rate = 48000;
  int block_frames = 256;
  std::string client = "music-lstm";
};

struct AudioDeviceInfo {
  int index = 0;
  std::string host_api;
  std::string name;
  int output_channels = 0;
  double default_sample_rate = 0.0;
  bool is_default = false;
};

// Every output device PortAudio sees, on every host API.
std::vector<AudioDeviceInfo> list_audio_devices();

class PortAudioOutput {
 public:
  // Opens (not starts) the stream. Throws DeviceError with one line: no audio device, a host API
  // or device that is not there (naming those that are), a rate or buffer size refused.
  PortAudioOutput(AudioEngine& engine, const AudioOptions& options);
  ~PortAudioOutput();
  PortAudioOutput(const PortAudioOutput&) = delete;
  PortAudioOutput& operator=(const PortAudioOutput&) = delete;

  void start();  // throws DeviceError
  void stop();
  // False once the stream ended on its own (the device went away).
  bool running() const;

  const CallbackStats& stats() const { return stats_; }
  std::string description() const { return description_; }
  double output_latency_ms() const { return latency_ms_; }

  // PortAudio itself, initialised once for every user (see the .cpp).
  struct Library;

 private:
  std::shared_ptr<Library> library_;
  AudioEngine& engine_;
  CallbackStats stats_;
  std::unique_ptr<CallbackContext> context_;
  void* stream_ = nullptr;
  std::string description_;
  double latency_ms_ = 0.0;
};

}  // namespace mlstm::rt
