#pragma once
// The audio device as the session sees it: an output that runs the engine on the device's
// real-time thread. Two kinds: JACK straight through libjack (jack_audio_output), and a PortAudio
// stream for everything else (portaudio_output: ALSA, PulseAudio's ALSA plugin, ...).

#include <memory>
#include <string>
#include <vector>

#include "audio/jack_client.hpp"
#include "engine/audio_engine.hpp"
#include "engine/callback_stats.hpp"

namespace mlstm::rt {

struct AudioOptions {
  std::string host_api;  // "JACK", "ALSA", ...; empty: JACK when a server runs, else the default
  std::string device;    // number or part of a name; empty: the host API's default output
  int sample_rate = 48000;
  int block_frames = 256;  // JACK: the server's period decides, this is ignored
  // JACK: the audio client's name for `play` and `listen` (whose MIDI input is the client
  // "music-lstm"); the jam puts its audio on its one client, "music-lstm" (audio/jack_client.hpp).
  std::string client = "music-lstm-audio";
};

struct AudioDeviceInfo {
  int index = 0;
  std::string host_api;
  std::string name;
  int output_channels = 0;
  double default_sample_rate = 0.0;
  bool is_default = false;
};

class AudioOutput {
 public:
  virtual ~AudioOutput() = default;
  virtual void start() = 0;  // throws DeviceError
  virtual void stop() = 0;
  // False once the output ended on its own (the device or the server went away).
  virtual bool running() const = 0;
  virtual const CallbackStats& stats() const = 0;
  // "JACK device 'system', 48000 Hz, 256 frames".
  virtual std::string description() const = 0;
  virtual double output_latency_ms() const = 0;
  // Frames per callback: the router's input latency is one of these.
  virtual int block_frames() const = 0;
  // The devices this output can switch to while running (names as switch_device takes them).
  virtual std::vector<AudioDeviceInfo> devices() const = 0;
  // Moves the sound to another device without stopping the engine's time, when the kind of
  // output can (JACK: its ports are reconnected). Returns an error line, or empty; "" with
  // `reopen_needed` set when only a new output can do it (PortAudio).
  virtual std::string switch_device(const std::string& device, bool& reopen_needed) = 0;
};

// Opens (does not start) the output the options ask for: JACK through libjack when the host API
// is "jack", or is left empty while a JACK server runs; else a PortAudio stream. Throws
// DeviceError with one line.
// `jack`: the jam's JACK client and its MIDI ports, which a JACK output runs on (ignored by
// PortAudio).
std::unique_ptr<AudioOutput> open_audio_output(BlockRenderer& renderer, const AudioOptions& options,
                                               JackShare jack = {});

// The devices a session with `host_api` would choose among (JACK's playback clients when it would
// use JACK, else PortAudio's outputs); empty when there is none.
std::vector<AudioDeviceInfo> list_audio_devices(const std::string& host_api = "");

// True when open_audio_output would use JACK for `host_api`.
bool uses_jack(const std::string& host_api);

}  // namespace mlstm::rt
