#include "jam/model_swap.hpp"

#include <exception>
#include <memory>

namespace mlstm::app {

ModelSwap::ModelSwap(rt::InferenceWorker& worker, ComputeDevice device, DecoderPath decoder,
                     int context_notes, std::string playing)
    : worker_(worker),
      device_(device),
      decoder_(decoder),
      context_notes_(context_notes),
      status_("model: " + std::move(playing)) {}

ModelSwap::~ModelSwap() {
  if (thread_.joinable()) thread_.join();
}

void ModelSwap::load(const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    if (loading_) return;
    loading_ = true;
    status_ = "loading " + path + "...";
  }
  if (thread_.joinable()) thread_.join();
  thread_ = std::thread([this, path] {
    std::string status;
    bool failed = false;
    try {
      std::shared_ptr<ContinuationEngine> engine =
          ContinuationEngine::load(path, device_, 1, decoder_);
      // A model reads the last notes of the context it is given: fewer than the jam keeps is fine.
      if (engine->context_notes() > context_notes_) {
        throw ModelError(path + " reads " + std::to_string(engine->context_notes()) +
                         " notes; this jam's context holds only " + std::to_string(context_notes_) +
                         " (start the jam with it: --model)");
      }
      engine->warm_up(SearchSettings{});
      worker_.set_continuer(
          [engine](std::span<const NoteFeatures> context, const SearchSettings& s) {
            return engine->continue_notes(context, s);
          });
      status = "model: " + engine->description() + " (" + path + ")";
    } catch (const std::exception& e) {
      status = std::string("could not load it: ") + e.what() + "; the old model plays on";
      failed = true;
    }
    std::lock_guard lock(mutex_);
    status_ = status;
    failed_ = failed;
    loading_ = false;
  });
}

std::string ModelSwap::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

bool ModelSwap::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

bool ModelSwap::loading() const {
  std::lock_guard lock(mutex_);
  return loading_;
}

}  // namespace mlstm::app
