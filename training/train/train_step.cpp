#include "train/train_step.hpp"

#include "data/augment.hpp"
#include "train/adam_state.hpp"

namespace mlstm {

LossTerms TrainStep::loss(NoteTensors batch) const {
  if (c_.train.augment_transpose > 0 || c_.train.augment_stretch > 0.0) {
    augment_windows(batch, c_.train.augment_transpose, c_.train.augment_stretch);
  }
  const NoteTensors w = batch.to(device_);
  const std::int64_t ctx = c_.model.context_notes;
  return note_loss(model_->forward(w), w.slice(ctx, w.length()), c_.model, c_.loss);
}

void TrainStep::backward(const LossTerms& terms) {
  opt_.zero_grad();
  if (terms.total.defined()) terms.total.backward();
}

void TrainStep::apply(double rate) {
  set_lr(opt_, rate);
  if (c_.train.grad_clip > 0) {
    torch::nn::utils::clip_grad_norm_(model_->parameters(), c_.train.grad_clip);
  }
  opt_.step();
}

}  // namespace mlstm
