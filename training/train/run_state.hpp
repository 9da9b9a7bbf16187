#pragma once
// Where a training run stands: the epoch and batch in progress, the optimizer steps taken, the
// learning rate and its schedules' state, the best validation loss and the history. Saved in
// every checkpoint ("state"), so a resumed run continues exactly; nothing in it depends on how
// many processes train the run.

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "eval/window_metrics.hpp"

namespace mlstm {

// Steps per entry of steps.csv (and per TensorBoard point of the step loss).
inline constexpr std::int64_t kStepLossEvery = 20;

struct RunState {
  int epoch = 0;           // the epoch in progress (0-based)
  std::int64_t batch = 0;  // next batch within it
  std::int64_t step = 0;   // optimizer steps so far
  double lr = 0.0;         // the schedule's rate (rate_schedule.hpp)
  double best = std::numeric_limits<double>::infinity();
  int bad_epochs = 0;        // epochs since the best validation loss
  int since_decay = 0;       // epochs without improvement since the last decay (plateau)
  double train_seconds = 0;  // time spent training, over all sessions of the run
  LossSums epoch_sums;       // of the epoch in progress
  nlohmann::json history = nlohmann::json::array();
  // The mean training loss of every kStepLossEvery steps, [step, train_seconds, loss] (steps.csv):
  // a loss curve for runs shorter than a few epochs, whose metrics.csv has a row or two.
  nlohmann::json step_losses = nlohmann::json::array();
  double loss_since = 0.0;  // summed over the steps since the last entry
  // The rate the cooldown decays from (the schedule's rate when it began); 0 before it.
  double cooldown_from = 0.0;

  // After a step (`step` counts it): adds its loss, and every kStepLossEvery steps keeps the
  // mean in step_losses and returns true (the step's loss then goes to TensorBoard too).
  bool record_step_loss(double loss);

  nlohmann::json to_json() const;
  static RunState from_json(const nlohmann::json& j);
};

}  // namespace mlstm
