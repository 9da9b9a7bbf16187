#pragma once
// What `compose` and `jam` share about where and how the model runs: --device (CPU or CUDA) and
// --decoder (the fast CPU decoder or LibTorch's search).

#include <CLI/CLI.hpp>
#include <string>

#include "api/continuation_engine.hpp"

namespace mlstm::app {

struct EngineChoice {
  std::string device = "auto";   // auto, cpu, cuda
  std::string decoder = "auto";  // auto, libtorch
  ComputeDevice compute_device() const;
  DecoderPath decoder_path() const;
};

// Adds --device and --decoder, which write into `choice`.
void add_engine_options(CLI::App* cmd, EngineChoice& choice);

}  // namespace mlstm::app
