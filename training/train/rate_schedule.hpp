#pragma once
// The learning rate of every step, as schedule objects whose state is the run state's (`lr`,
// `since_decay`, `cooldown_from`: saved with each checkpoint, so a resumed run goes on at the
// same rates, whatever number of processes resumes it). Three layers, outermost last:
//   the run's schedule (TrainConfig::lr_schedule): constant, cosine over the epochs, or a decay
//     when the validation loss stops improving (plateau);
//   the cooldown: the last cooldown_epochs epochs take the rate linearly to zero, step by step;
//   the warm-up after a resume without Adam's moments: kFreshMomentsWarmup steps from zero.

#include <cstdint>
#include <memory>

#include "model/model_config.hpp"
#include "train/run_state.hpp"

namespace mlstm {

class RateSchedule {
 public:
  virtual ~RateSchedule() = default;
  // At the start of epoch `st.epoch`.
  virtual void epoch_begins(RunState& st) const { (void)st; }
  // The rate of the step about to be taken: step `st.step`, batch `st.batch` of `batches`.
  virtual double step_rate(RunState& st, std::int64_t batches) const {
    (void)batches;
    return st.lr;
  }
  // After epoch `st.epoch` was validated: counts the epochs without improvement since the last
  // decay (every schedule counts them, so a run resumed under another schedule finds them).
  // `may_change`: false while an outer layer owns the rate (the cooldown): a schedule only counts.
  virtual void epoch_ends(RunState& st, bool improved, bool may_change) const {
    (void)may_change;
    st.since_decay = improved ? 0 : st.since_decay + 1;
  }
};

// The layers the configuration asks for. `warmup_until`: the step until which the rate warms up
// (0: no warm-up).
std::unique_ptr<RateSchedule> make_rate_schedule(const TrainConfig& t, std::int64_t warmup_until);

}  // namespace mlstm
