#pragma once
// Loads another checkpoint while the jam runs (from the panel): in the background, checked (it
// may read no more notes than the jam's context holds, which the model it started with set) and
// warmed up, then handed to the inference worker. A file that does not load leaves the old model
// playing and says why.

#include <mutex>
#include <string>
#include <thread>

#include "api/continuation_engine.hpp"
#include "perform/inference_worker.hpp"

namespace mlstm::app {

class ModelSwap {
 public:
  ModelSwap(rt::InferenceWorker& worker, ComputeDevice device, DecoderPath decoder,
            int context_notes, std::string playing);
  ~ModelSwap();
  ModelSwap(const ModelSwap&) = delete;
  ModelSwap& operator=(const ModelSwap&) = delete;

  // Starts loading `path` unless a load is under way.
  void load(const std::string& path);
  // "model: seq2seq default, ... (file)", or what went wrong with the last load.
  std::string status() const;
  // Whether a load is under way.
  bool loading() const;
  // Whether the last load failed (status() then says why).
  bool failed() const;

 private:
  rt::InferenceWorker& worker_;
  ComputeDevice device_;
  DecoderPath decoder_;
  int context_notes_;
  mutable std::mutex mutex_;
  std::string status_;
  bool loading_ = false;
  bool failed_ = false;
  std::thread thread_;
};

}  // namespace mlstm::app
