#include "audio/audio_capture.hpp"

#include <chrono>
#include <cstdio>
#include <vector>

namespace mlstm::rt {

AudioCapture::AudioCapture(AudioEngine& engine, const std::filesystem::path& wav)
    : engine_(engine), writer_(std::make_unique<WavWriter>(wav, engine.sample_rate())) {}

AudioCapture::~AudioCapture() {
  engine_.capture_audio = false;
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void AudioCapture::drain() {
  std::vector<float> buffer(1u << 16);
  for (;;) {
    // Whole frames: the audio thread pushes pairs, so an even count is always there to take.
    const std::size_t available = engine_.tap().readable() & ~std::size_t{1};
    if (available == 0) return;
    const std::size_t n = engine_.tap().pop_some(buffer.data(), std::min(available, buffer.size()));
    writer_->write(buffer.data(), static_cast<std::int64_t>(n / 2));
  }
}

void AudioCapture::start() {
  engine_.capture_audio = true;
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      try {
        drain();
      } catch (const WavError& e) {
        // The disk is full: say so once, stop capturing; the session itself goes on.
        std::fprintf(stderr, "music-lstm: %s; audio capture stopped\n", e.what());
        engine_.capture_audio = false;
        return;
      }
    }
  });
}

void AudioCapture::stop() {
  engine_.capture_audio = false;
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  drain();
  writer_->finish();
}

}  // namespace mlstm::rt
