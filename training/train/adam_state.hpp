#pragma once
// Adam's state as a checkpoint keeps it: each parameter's moments and step count as named
// tensors ("optimizer.<parameter>.exp_avg", ".exp_avg_sq", ".step"), and the learning rate of
// its one parameter group.

#include <torch/torch.h>

#include "model/checkpoint.hpp"
#include "model/note_model.hpp"

namespace mlstm {

NamedTensors optimizer_tensors(torch::optim::Adam& opt, NoteModelImpl& model);
// Puts back the moments `ck` holds (a parameter with none has taken no step yet); false when the
// file holds none at all (a checkpoint stripped for shipping).
bool restore_optimizer(torch::optim::Adam& opt, NoteModelImpl& model, const Checkpoint& ck,
                       const torch::Device& device);

void set_lr(torch::optim::Adam& opt, double lr);
double opt_lr(torch::optim::Adam& opt);

}  // namespace mlstm
