#pragma once
// Writes what the audio thread rendered (AudioEngine::tap) into a WAV file while a real-time
// session runs: a thread drains the tap every 20 ms. The file is renamed into place on stop.

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "audio/wav_file.hpp"
#include "engine/audio_engine.hpp"

namespace mlstm::rt {

class AudioCapture {
 public:
  // Throws WavError when the file cannot be created.
  AudioCapture(AudioEngine& engine, const std::filesystem::path& wav);
  ~AudioCapture();
  AudioCapture(const AudioCapture&) = delete;
  AudioCapture& operator=(const AudioCapture&) = delete;

  void start();
  // Drains the rest, finishes the file. Throws WavError.
  void stop();
  const WavWriter& writer() const { return *writer_; }

 private:
  void drain();

  AudioEngine& engine_;
  std::unique_ptr<WavWriter> writer_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mlstm::rt
