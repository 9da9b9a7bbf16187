#pragma once
// One optimizer step of one replica: a batch of windows (augmented as the configuration asks)
// forward through the model, the loss, then backward, gradient clipping and Adam's step at the
// rate given. Split in two so that the caller can judge the loss (not finite: the run stops)
// before any weight moves; a data-parallel run averages the gradients between backward() and
// apply() (dist/data_parallel.hpp).

#include <torch/torch.h>

#include "model/model_config.hpp"
#include "model/note_loss.hpp"
#include "model/note_model.hpp"

namespace mlstm {

class TrainStep {
 public:
  TrainStep(NoteModel& model, torch::optim::Adam& opt, const RunConfig& c,
            const torch::Device& device)
      : model_(model), opt_(opt), c_(c), device_(device) {}

  // The loss of `batch` (windows of context + target notes, on the CPU): augmented, moved to the
  // device, forward; the graph kept for step().
  LossTerms loss(NoteTensors batch) const;
  // Backward from `terms`, clipping, Adam's step at `rate`: backward() then apply().
  void step(const LossTerms& terms, double rate) {
    backward(terms);
    apply(rate);
  }
  // The gradients of `terms` (undefined: a rank with no window in this batch, none).
  void backward(const LossTerms& terms);
  // Gradient clipping and Adam's step at `rate`.
  void apply(double rate);

 private:
  NoteModel& model_;
  torch::optim::Adam& opt_;
  const RunConfig& c_;
  const torch::Device device_;
};

}  // namespace mlstm
