#pragma once
// When a run stops, decided in one place: a stop request (Ctrl-C, SIGTERM) after the batch in
// progress, which is saved mid-epoch; the time budget (max_minutes) after the batch that spends
// it (that epoch is then validated and saved like a whole one); early stopping after
// early_stopping epochs without a better validation loss. The reasons are TrainResult's
// stopped_because.

#include <atomic>

#include "model/model_config.hpp"
#include "train/run_state.hpp"

namespace mlstm {

class StopRule {
 public:
  StopRule(const TrainConfig& t, const std::atomic<bool>* request)
      : t_(t), request_(request), budget_s_(t.max_minutes * 60.0) {}

  // After each batch: asked to stop.
  bool requested() const { return request_ && request_->load(); }
  // After each batch and epoch: the training time is spent.
  bool out_of_time(const RunState& st) const {
    return budget_s_ > 0 && st.train_seconds >= budget_s_;
  }
  // After each epoch (validated, saved): why the run ends here, or nullptr to go on.
  const char* after_epoch(const RunState& st) const {
    if (t_.early_stopping > 0 && st.bad_epochs >= t_.early_stopping) return "early stopping";
    if (out_of_time(st)) return "time budget";
    return nullptr;
  }

 private:
  const TrainConfig& t_;
  const std::atomic<bool>* request_;
  const double budget_s_;
};

}  // namespace mlstm
