#pragma once
// Checking and unpacking a zip archive with libzip.

#include <cstdint>
#include <filesystem>
#include <stdexcept>

namespace mlstm {

class ZipError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ZipExtractResult {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
};

// Unpacks `zip_path` into `dest`. When every entry lies under one top-level folder (as in
// maestro-v3.0.0-midi.zip: "maestro-v3.0.0/..."), that folder is stripped, so `dest` becomes the
// dataset root. Every entry's CRC is checked as it is read; each file is written atomically.
// Throws ZipError with one line naming the archive (and the entry) for a corrupt archive, an
// entry that would land outside `dest`, or an archive that unpacks to more than `max_bytes`.
ZipExtractResult extract_zip(const std::filesystem::path& zip_path,
                             const std::filesystem::path& dest,
                             std::uint64_t max_bytes = 8ull << 30, bool progress = true);

}  // namespace mlstm
