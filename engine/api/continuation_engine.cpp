#include "api/continuation_engine.hpp"

#include <torch/torch.h>

#include "decode/answer_search.hpp"
#include "model/checkpoint.hpp"
#include "model/exported_model.hpp"
#ifdef MUSIC_LSTM_FAST_DECODE
#include "decode/fast/packed_search.hpp"
#endif

namespace mlstm {

// A checkpoint's model and its search (fast or LibTorch's), or an exported model's packed search
// alone (no LibTorch model at all).
struct ContinuationEngine::Impl {
  NoteModel model{nullptr};
  RunConfig run;
  torch::Device device{torch::kCPU};
  std::unique_ptr<AnswerSearch> search;
#ifdef MUSIC_LSTM_FAST_DECODE
  std::unique_ptr<fast::PackedSearch> exported;
#endif

  SearchResult operator()(std::span<const NoteFeatures> context, const SearchSettings& s) {
#ifdef MUSIC_LSTM_FAST_DECODE
    if (exported) return (*exported)(context, s);
#endif
    return (*search)(context, s);
  }
  bool is_exported() const {
#ifdef MUSIC_LSTM_FAST_DECODE
    return exported != nullptr;
#else
    return false;
#endif
  }
};

ContinuationEngine::ContinuationEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContinuationEngine::~ContinuationEngine() = default;

std::unique_ptr<ContinuationEngine> ContinuationEngine::load(const std::filesystem::path& file,
                                                             ComputeDevice device, int cpu_threads,
                                                             DecoderPath decoder) {
  auto impl = std::make_unique<Impl>();
  if (is_exported_model(file)) {
    // An exported model (model/exported_model.hpp): the fast decoder on its arrays, on the CPU.
#ifdef MUSIC_LSTM_FAST_DECODE
    if (device == ComputeDevice::kCuda) {
      throw ModelError(file.string() +
                       " is an exported model, which runs on the CPU: use its .ckpt for CUDA");
    }
    try {
      ExportedModel m = read_exported_model(file);
      impl->run = m.run;
      impl->exported = std::make_unique<fast::PackedSearch>(std::move(m.packed));
    } catch (const ExportedModelError& e) {
      throw ModelError(e.what());
    } catch (const std::invalid_argument& e) {
      throw ModelError(file.string() + ": " + e.what());
    }
    return std::unique_ptr<ContinuationEngine>(new ContinuationEngine(std::move(impl)));
#else
    throw ModelError(file.string() +
                     " is an exported model, which needs the fast decoder, and this build has "
                     "none (no CBLAS): use its .ckpt");
#endif
  }
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
    impl->run = ck.config;
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
  return (*impl_)(context, settings).notes;
}

std::vector<NoteFeatures> ContinuationEngine::continue_song(std::span<const NoteFeatures> prime,
                                                            int total,
                                                            const SearchSettings& settings) {
  return continue_song_with(*impl_, prime, total, settings,
                            static_cast<std::size_t>(context_notes()));
}

bool ContinuationEngine::sustain_pedal() const {
  return impl_->run.train.sustain_pedal;
}

int ContinuationEngine::context_notes() const {
  return impl_->run.model.context_notes;
}

std::string ContinuationEngine::device_name() const {
  return impl_->device.str();
}

bool ContinuationEngine::fast_decoder() const {
  return impl_->is_exported() || impl_->search->fast();
}

std::string ContinuationEngine::description() const {
  long long parameters = 0;
#ifdef MUSIC_LSTM_FAST_DECODE
  if (impl_->exported) parameters = impl_->exported->parameters();
#endif
  if (!impl_->is_exported()) parameters = parameter_count(*impl_->model);
  return std::string(to_string(impl_->run.model.kind)) + " " + impl_->run.name + ", " +
         std::to_string(parameters) + " parameters, on " + device_name() +
         (impl_->is_exported() ? " (fast decoder, exported)"
          : fast_decoder()     ? " (fast decoder)"
                               : "");
}

}  // namespace mlstm
