#pragma once
// An exported model (issue 34, "inference without LibTorch"): the weights the fast decoder reads
// (decode/fast/packed_model.hpp) and the run's configuration in one flat, versioned, checksummed
// file, which loads with no LibTorch: a plugin in a DAW plays from it without the training
// framework. `music-lstm export-model MODEL.ckpt OUT` writes one; the jam and the engine load it
// as they load a checkpoint.
//
// The file, all numbers little-endian:
//   8 bytes   magic "MLSTMPK\n"
//   u32       format version (kExportFormatVersion)
//   u32       N, the header's length
//   N bytes   the header, JSON: {"config": the run's configuration (model/model_config.hpp),
//             "heads": {"step", "duration", "velocity"} outputs, "arrays": [{"name", "count"},
//             ...] in the order they follow}
//   ...       each array's `count` float32 values, one after another
//   u32       CRC-32C (io/crc32c.hpp) of every byte before it
// Written atomically (temp file and rename). Torch-free.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>

#include "decode/fast/packed_model.hpp"
#include "model/model_config.hpp"

namespace mlstm {

inline constexpr std::uint32_t kExportFormatVersion = 1;

// A file that is missing, truncated, corrupt or of another format: one line that names it and
// says what is wrong.
class ExportedModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExportedModel {
  RunConfig run;  // the configuration it was trained with (name, model, training)
  fast::PackedModel packed;
};

// Whether `bytes` (a file's first bytes) begin as an exported model does.
bool looks_like_exported_model(std::span<const std::byte> first_bytes);
// Whether the file begins as an exported model does (false when it cannot be read).
bool is_exported_model(const std::filesystem::path& file);

// The file's bytes. Throws std::runtime_error naming the file where it cannot be written.
std::string exported_model_bytes(const ExportedModel& model);
void write_exported_model(const ExportedModel& model, const std::filesystem::path& file);

// Reads and checks every byte (magic, version, header, sizes, checksum, the arrays' shapes
// against the configuration) before anything is allocated for the arrays. Throws
// ExportedModelError with one line, naming `origin` (the file).
ExportedModel parse_exported_model(std::span<const std::byte> bytes, const std::string& origin);
ExportedModel read_exported_model(const std::filesystem::path& file);

}  // namespace mlstm
