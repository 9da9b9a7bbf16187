#include "train/rate_schedule.hpp"

#include <cmath>

#include "train/trainer.hpp"

namespace mlstm {
namespace {

// Half a cosine from the configured rate at the first epoch towards zero after the last.
class CosineRate final : public RateSchedule {
 public:
  explicit CosineRate(const TrainConfig& t) : t_(t) {}
  void epoch_begins(RunState& st) const override {
    st.lr = t_.learning_rate * 0.5 * (1.0 + std::cos(M_PI * st.epoch / t_.epochs));
  }

 private:
  const TrainConfig& t_;
};

// The rate times lr_decay after more than lr_patience epochs without a better validation loss.
class PlateauRate final : public RateSchedule {
 public:
  explicit PlateauRate(const TrainConfig& t) : t_(t) {}
  void epoch_ends(RunState& st, bool improved, bool may_change) const override {
    RateSchedule::epoch_ends(st, improved, may_change);
    if (!improved && may_change && st.since_decay > t_.lr_patience) {
      st.lr *= t_.lr_decay;
      st.since_decay = 0;
    }
  }

 private:
  const TrainConfig& t_;
};

// A layer over another schedule: what it does not change, the inner one decides.
class RateLayer : public RateSchedule {
 public:
  explicit RateLayer(std::unique_ptr<RateSchedule> inner) : inner_(std::move(inner)) {}
  void epoch_begins(RunState& st) const override { inner_->epoch_begins(st); }
  double step_rate(RunState& st, std::int64_t batches) const override {
    return inner_->step_rate(st, batches);
  }
  void epoch_ends(RunState& st, bool improved, bool may_change) const override {
    inner_->epoch_ends(st, improved, may_change);
  }

 protected:
  std::unique_ptr<RateSchedule> inner_;
};

// The last cooldown_epochs epochs: linear to zero over their steps, from the rate the schedule
// reached (the first step at that rate, the last at 1/n of it).
class Cooldown final : public RateLayer {
 public:
  Cooldown(std::unique_ptr<RateSchedule> inner, const TrainConfig& t)
      : RateLayer(std::move(inner)), t_(t), first_(t.epochs - t.cooldown_epochs) {}
  double step_rate(RunState& st, std::int64_t batches) const override {
    const double rate = RateLayer::step_rate(st, batches);
    if (!cooling(st.epoch)) return rate;
    if (st.cooldown_from == 0.0) st.cooldown_from = st.lr;
    const std::int64_t steps = static_cast<std::int64_t>(t_.cooldown_epochs) * batches;
    const std::int64_t k = static_cast<std::int64_t>(st.epoch - first_) * batches + st.batch;
    st.lr = st.cooldown_from * static_cast<double>(steps - k) / static_cast<double>(steps);
    return st.lr;
  }
  // In the cooldown the rate is its own (a decay at the end of the epoch before it counts: the
  // cooldown starts from the rate the schedule reached).
  void epoch_ends(RunState& st, bool improved, bool may_change) const override {
    RateLayer::epoch_ends(st, improved, may_change && !cooling(st.epoch));
  }

 private:
  bool cooling(int epoch) const { return t_.cooldown_epochs > 0 && epoch >= first_; }
  const TrainConfig& t_;
  const int first_;
};

// After a resume without Adam's moments: the rate rises linearly over kFreshMomentsWarmup steps,
// since Adam's first steps from zero moments move every weight by about the rate.
class FreshMomentsWarmup final : public RateLayer {
 public:
  FreshMomentsWarmup(std::unique_ptr<RateSchedule> inner, std::int64_t until)
      : RateLayer(std::move(inner)), until_(until) {}
  double step_rate(RunState& st, std::int64_t batches) const override {
    const double rate = RateLayer::step_rate(st, batches);
    if (st.step >= until_) return rate;
    const double done =
        1.0 - static_cast<double>(until_ - st.step) / static_cast<double>(kFreshMomentsWarmup + 1);
    return rate * done;
  }

 private:
  const std::int64_t until_;
};

}  // namespace

std::unique_ptr<RateSchedule> make_rate_schedule(const TrainConfig& t, std::int64_t warmup_until) {
  std::unique_ptr<RateSchedule> s;
  switch (t.lr_schedule) {
    case LrSchedule::kCosine:
      s = std::make_unique<CosineRate>(t);
      break;
    case LrSchedule::kPlateau:
      s = std::make_unique<PlateauRate>(t);
      break;
    case LrSchedule::kNone:
      s = std::make_unique<RateSchedule>();
      break;
  }
  if (t.cooldown_epochs > 0) s = std::make_unique<Cooldown>(std::move(s), t);
  if (warmup_until > 0) s = std::make_unique<FreshMomentsWarmup>(std::move(s), warmup_until);
  return s;
}

}  // namespace mlstm
