#pragma once
// Checkpoints: one file with the weights, the whole run configuration and metadata (format
// version, data, split, epoch, metrics).
//
// The format is our own and version-neutral, so that a model trained with LibTorch 2.x (a CUDA
// machine) loads with Debian's LibTorch 1.13 and the other way round, and Python reads it with a
// few lines (tests/functional/checkpoint_io.py):
//
//   "MLSTMCKP"  u32 format version  u32 0  u64 header length  header (JSON, UTF-8)
//   zero padding to a multiple of 64  raw tensor data (little-endian, C order)
//
// The header holds {"config": ..., "metadata": ..., "tensors": [{"name", "dtype" ("float32" or
// "int64"), "shape", "offset" (from the start of the data), "bytes"}]}. Writing is atomic.

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/model_config.hpp"
#include "model/note_model.hpp"

namespace mlstm {

inline constexpr std::uint32_t kCheckpointFormat = 1;

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct Checkpoint {
  RunConfig config;
  nlohmann::json metadata = nlohmann::json::object();
  NamedTensors tensors;  // "model.<parameter>", "optimizer.<...>"

  const torch::Tensor* find(const std::string& name) const;
};

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
// Throws CheckpointError (one line naming the file) for a missing, truncated, corrupt or
// other-format file, or a configuration error inside it.
Checkpoint read_checkpoint(const std::filesystem::path& path);

// The model's parameters as "model.<name>" tensors (on the CPU).
NamedTensors model_tensors(NoteModelImpl& model);
// Copies the checkpoint's weights into `model`. Throws CheckpointError when a tensor is missing,
// has another shape, or the checkpoint holds tensors the model lacks (another architecture).
// Parameters whose names start with one of `new_parts` (e.g. "attention_", for a fine-tune that
// adds attention to a model trained without it) may be absent from the file: they keep the
// values the model was built with.
void load_model_weights(NoteModelImpl& model, const Checkpoint& checkpoint, const std::string& file,
                        const std::vector<std::string>& new_parts = {});
// Builds the model its configuration describes and loads its weights.
NoteModel load_model(const std::filesystem::path& path, const torch::Device& device = torch::kCPU);

}  // namespace mlstm
