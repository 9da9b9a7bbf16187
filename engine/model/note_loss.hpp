#pragma once
// The training loss: cross-entropy on pitch, plus for step, duration (and velocity) MSE on a
// regression head (with optional positive pressure) or cross-entropy on a class head; each term
// weighted by the configuration.

#include <torch/torch.h>

#include "model/model_config.hpp"
#include "model/note_model.hpp"

namespace mlstm {

struct LossTerms {
  torch::Tensor total;  // the weighted sum, to back-propagate
  torch::Tensor pitch, step, duration,
      velocity;  // unweighted, each a scalar; velocity may be undefined
};

LossTerms note_loss(const HeadOutputs& out, const NoteTensors& target, const ModelConfig& model,
                    const LossConfig& loss);

// The most likely note of each output row, as values: pitch (int64), step and duration in seconds,
// velocity 1..127 (float; 0 when the model has no velocity head). Class heads decode to the value
// of their most likely class (TimeBins::to_seconds, VelocityBins::to_velocity).
NoteTensors most_likely_notes(const HeadOutputs& out, const ModelConfig& model);

// The median of a time head's distribution, in seconds, for each row: the value of the first class
// at which the cumulative probability reaches one half (a regression head: its value). The point
// that minimises the expected absolute error, where the most likely class minimises the chance of
// being wrong: a head split between a chord (0 s) and a beat puts its median between them.
torch::Tensor median_time_values(const torch::Tensor& head, const ModelConfig& model);

// Time and velocity classes of a target tensor (same rule as TimeBins / VelocityBins).
torch::Tensor time_classes(const torch::Tensor& seconds, const ModelConfig& model);
torch::Tensor velocity_classes(const torch::Tensor& velocity, const ModelConfig& model);

}  // namespace mlstm
