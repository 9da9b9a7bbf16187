#pragma once
// Downloading one large file over HTTP(S) with libcurl: progress with ETA, and an interrupted
// transfer resumes where it stopped (from a ".part" file beside the target), in this run (a few
// retries) or in the next.

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace mlstm {

class DownloadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DownloadOptions {
  int retries = 5;               // further attempts after an interrupted transfer
  long stall_timeout_s = 60;     // give up an attempt after this long without a byte
  double retry_backoff_s = 1.0;  // wait before retry k: backoff * 2^(k-1), at most 30 s
  bool progress = true;
};

struct DownloadResult {
  std::uint64_t bytes = 0;
  int attempts = 0;
  std::uint64_t resumed_from = 0;  // bytes already there when this call began
};

// Downloads `url` to `dest` (written as dest + ".part", renamed when complete).
// Throws DownloadError with one line: the URL, what failed, and what to do.
DownloadResult download_file(const std::string& url, const std::filesystem::path& dest,
                             const DownloadOptions& options = {});

}  // namespace mlstm
