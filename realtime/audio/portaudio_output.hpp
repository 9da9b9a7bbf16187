#pragma once
// The audio device through PortAudio: an output stream (host API, device, sample rate and buffer
// size chosen by the user) whose callback runs the engine. Not used for JACK: PortAudio's JACK
// host opens a client of its own at Pa_Initialize and waits, without a bound, for that client's
// process callback to start a stream; on a busy server it was seen to stall there
// (jack_audio_output.hpp says what we do instead).

#include <memory>
#include <string>
#include <vector>

#include "audio/audio_callback.hpp"
#include "audio/audio_output.hpp"
#include "engine/audio_engine.hpp"
#include "engine/callback_stats.hpp"

namespace mlstm::rt {

// Every output device PortAudio sees, on every host API but JACK (JACK goes through libjack:
// jack_audio_output.hpp).
std::vector<AudioDeviceInfo> list_portaudio_devices();

class PortAudioOutput final : public AudioOutput {
 public:
  // Opens (not starts) the stream. Throws DeviceError with one line: no audio device, a host API
  // or device that is not there (naming those that are), a rate or buffer size refused.
  PortAudioOutput(BlockRenderer& renderer, const AudioOptions& options);
  ~PortAudioOutput() override;
  PortAudioOutput(const PortAudioOutput&) = delete;
  PortAudioOutput& operator=(const PortAudioOutput&) = delete;

  void start() override;
  void stop() override;
  bool running() const override;
  const CallbackStats& stats() const override { return stats_; }
  std::string description() const override { return description_; }
  double output_latency_ms() const override { return latency_ms_; }
  int block_frames() const override { return block_frames_; }
  std::vector<AudioDeviceInfo> devices() const override;
  std::string switch_device(const std::string&, bool& reopen_needed) override {
    reopen_needed = true;  // a PortAudio stream is bound to its device
    return {};
  }

  // PortAudio itself, initialised once for every user (see the .cpp).
  struct Library;

 private:
  std::shared_ptr<Library> library_;
  BlockRenderer& renderer_;
  CallbackStats stats_;
  std::unique_ptr<CallbackContext> context_;
  void* stream_ = nullptr;
  std::string description_;
  double latency_ms_ = 0.0;
  int block_frames_ = 0;
  std::string host_api_;
};

}  // namespace mlstm::rt
