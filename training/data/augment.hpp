#pragma once
// Augmentation of training windows: the same music in another key and at another tempo, so that
// a model trained on MAESTRO's keys and tempi answers a player in any (TrainConfig says how far).
// Each window of a batch gets its own draw from torch's default generator, which the trainer
// seeds per batch: a resumed run draws the same.

#include <torch/torch.h>

#include "model/model_config.hpp"
#include "model/note_model.hpp"

namespace mlstm {

// Moves each row's pitches by k semitones, k uniform in -transpose..transpose but kept so that
// every pitch of the row stays within 0..127; multiplies each row's steps and durations by a
// factor uniform in 1 - stretch..1 + stretch. In place; CPU tensors [B, W].
void augment_windows(NoteTensors& windows, int transpose, double stretch);

}  // namespace mlstm
