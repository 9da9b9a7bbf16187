#pragma once
// A 16-bit stereo WAV written as it comes, into a temporary file renamed over the target when
// finished, so a reader never sees half a file under the final name.

#include <cstdint>
#include <filesystem>
#include <stdexcept>

struct sf_private_tag;

namespace mlstm::rt {

class WavError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class WavWriter {
 public:
  // Throws WavError: the folder does not exist or is not writable.
  WavWriter(const std::filesystem::path& path, int sample_rate);
  ~WavWriter();  // without finish(): the temporary file is removed
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  // Interleaved stereo frames. Throws WavError (disk full).
  void write(const float* interleaved, std::int64_t frames);
  // Closes and renames into place. Throws WavError.
  void finish();

  std::int64_t frames() const { return frames_; }
  double peak() const { return peak_; }  // largest absolute sample written, 0..1
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_, temporary_;
  sf_private_tag* file_ = nullptr;
  std::int64_t frames_ = 0;
  double peak_ = 0.0;
};

}  // namespace mlstm::rt
