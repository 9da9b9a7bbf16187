#include "train/run_state.hpp"

#include <cmath>

namespace mlstm {

using json = nlohmann::json;

bool RunState::record_step_loss(double loss) {
  loss_since += loss;
  if (step % kStepLossEvery != 0) return false;
  step_losses.push_back(
      json::array({step, train_seconds, loss_since / static_cast<double>(kStepLossEvery)}));
  loss_since = 0.0;
  return true;
}

json RunState::to_json() const {
  return {{"epoch", epoch},
          {"batch", batch},
          {"step", step},
          {"lr", lr},
          {"best", std::isfinite(best) ? json(best) : json(nullptr)},
          {"bad_epochs", bad_epochs},
          {"since_decay", since_decay},
          {"train_seconds", train_seconds},
          {"epoch_sums", epoch_sums.to_json()},
          {"history", history},
          {"step_losses", step_losses},
          {"loss_since", loss_since},
          {"cooldown_from", cooldown_from}};
}

RunState RunState::from_json(const json& j) {
  RunState s;
  s.epoch = j.at("epoch");
  s.batch = j.at("batch");
  s.step = j.at("step");
  s.lr = j.at("lr");
  s.best =
      j.at("best").is_null() ? std::numeric_limits<double>::infinity() : j.at("best").get<double>();
  s.bad_epochs = j.at("bad_epochs");
  s.since_decay = j.at("since_decay");
  s.train_seconds = j.at("train_seconds");
  s.epoch_sums = LossSums::from_json(j.at("epoch_sums"));
  s.history = j.at("history");
  // Checkpoints written before step losses were kept have none.
  s.step_losses = j.value("step_losses", json::array());
  s.loss_since = j.value("loss_since", 0.0);
  s.cooldown_from = j.value("cooldown_from", 0.0);
  return s;
}

}  // namespace mlstm
