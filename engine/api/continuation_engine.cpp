#include "api/continuation_engine.hpp"

#include <torch/torch.h>

#include "decode/answer_search.hpp"
#include "model/checkpoint.hpp"

namespace mlstm {

struct ContinuationEngine::Impl {
  NoteModel model{nullptr};
  std::string name;
  bool sustain_pedal = false;
  torch::Device device{torch::kCPU};
  std::unique_ptr<AnswerSearch> search;
};

ContinuationEngine::ContinuationEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContinuationEngine::~ContinuationEngine() = default;

std::unique_ptr<ContinuationEngine> ContinuationEngine::load(const std::filesystem::path& file,
                                                             ComputeDevice device, int cpu_threads,
                                                             DecoderPath decoder) {
  auto impl = std::make_unique<Impl>();
  if (device == ComputeDevice::kCuda && !torch::cuda::is_available()) {
    throw ModelError("CUDA was asked for, but this LibTorch sees no CUDA device");
  }
  const bool cuda = device == ComputeDevice::kCuda ||
                    (device == ComputeDevice::kAuto && torch::cuda::is_available());
  impl->device = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  if (!cuda) torch::set_num_threads(std::max(1, cpu_threads));
  try {
    const Checkpoint ck = read_checkpoint(file);
    impl->model = NoteModel(ck.config.model);
    load_model_weights(*impl->model, ck, file.string());
    impl->name = ck.config.name;
    impl->sustain_pedal = ck.config.train.sustain_pedal;
  } catch (const CheckpointError& e) {
    throw ModelError(e.what());
  }
  impl->model->to(impl->device);
  impl->model->eval();
  try {
    impl->search = std::make_unique<AnswerSearch>(*impl->model, decoder == DecoderPath::kAuto);
  } catch (const std::invalid_argument& e) {
    throw ModelError(file.string() + ": " + e.what());
  }
  return std::unique_ptr<ContinuationEngine>(new ContinuationEngine(std::move(impl)));
}

void ContinuationEngine::warm_up(const SearchSettings& settings) {
  std::vector<NoteFeatures> context;
  for (int i = 0; i < context_notes(); ++i) context.push_back({60 + i % 12, 0.25, 0.2, 64});
  continue_notes(context, settings);
}

std::vector<NoteFeatures> ContinuationEngine::continue_notes(std::span<const NoteFeatures> context,
                                                             const SearchSettings& settings) {
  return (*impl_->search)(context, settings).notes;
}

std::vector<NoteFeatures> ContinuationEngine::continue_song(std::span<const NoteFeatures> prime,
                                                            int total,
                                                            const SearchSettings& settings) {
  return continue_song_with(*impl_->search, prime, total, settings,
                            static_cast<std::size_t>(context_notes()));
}

bool ContinuationEngine::sustain_pedal() const {
  return impl_->sustain_pedal;
}

int ContinuationEngine::context_notes() const {
  return impl_->model->config().context_notes;
}

std::string ContinuationEngine::device_name() const {
  return impl_->device.str();
}

bool ContinuationEngine::fast_decoder() const {
  return impl_->search->fast();
}

std::string ContinuationEngine::description() const {
  return std::string(to_string(impl_->model->config().kind)) + " " + impl_->name + ", " +
         std::to_string(parameter_count(*impl_->model)) + " parameters, on " + device_name() +
         (fast_decoder() ? " (fast decoder)" : "");
}

}  // namespace mlstm
