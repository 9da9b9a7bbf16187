#include "commands/engine_cli.hpp"

namespace mlstm::app {

ComputeDevice EngineChoice::compute_device() const {
  if (device == "cpu") return ComputeDevice::kCpu;
  if (device == "cuda") return ComputeDevice::kCuda;
  return ComputeDevice::kAuto;
}

DecoderPath EngineChoice::decoder_path() const {
  return decoder == "libtorch" ? DecoderPath::kLibTorch : DecoderPath::kAuto;
}

void add_engine_options(CLI::App* cmd, EngineChoice& choice) {
  cmd->add_option("--device", choice.device,
                  "Where the model runs: auto (CUDA if present), cpu, cuda")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--decoder", choice.decoder,
                  "The search's code on the CPU: auto (the fast decoder, packed weights, where it "
                  "is built) or libtorch (LibTorch's, the reference; always on CUDA)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "libtorch"}));
}

}  // namespace mlstm::app
