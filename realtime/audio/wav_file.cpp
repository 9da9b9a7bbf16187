#include "audio/wav_file.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>

namespace mlstm::rt {

WavWriter::WavWriter(const std::filesystem::path& path, int sample_rate)
    : path_(path), temporary_(path.string() + ".tmp") {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  file_ = sf_open(temporary_.c_str(), SFM_WRITE, &info);
  if (!file_) {
    throw WavError("cannot write " + path.string() + ": " + sf_strerror(nullptr) +
                   " (does the folder exist?)");
  }
}

WavWriter::~WavWriter() {
  if (file_) {
    sf_close(file_);
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
  }
}

void WavWriter::write(const float* interleaved, std::int64_t frames) {
  for (std::int64_t i = 0; i < 2 * frames; ++i) {
    peak_ = std::max(peak_, static_cast<double>(std::fabs(interleaved[i])));
  }
  if (sf_writef_float(file_, interleaved, frames) != frames) {
    throw WavError("cannot write " + path_.string() + " (disk full?)");
  }
  frames_ += frames;
}

void WavWriter::finish() {
  if (!file_) return;
  const int closed = sf_close(file_);
  file_ = nullptr;
  std::error_code ec;
  if (closed != 0) {
    std::filesystem::remove(temporary_, ec);
    throw WavError("cannot write " + path_.string() + " (disk full?)");
  }
  std::filesystem::rename(temporary_, path_, ec);
  if (ec) throw WavError("cannot write " + path_.string() + ": " + ec.message());
}

}  // namespace mlstm::rt
