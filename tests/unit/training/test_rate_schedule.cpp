// The learning rate's schedules (training/train/rate_schedule.hpp), stepped as the training loop
// steps them: cosine over the epochs, the plateau's decay, the cooldown to zero and the warm-up
// after a resume without Adam's moments; and a schedule resumed from a saved run state goes on
// at the same rates.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "train/rate_schedule.hpp"
#include "train/trainer.hpp"

namespace mlstm {
namespace {

constexpr std::int64_t kBatches = 10;

// The rate of every step of `epochs` epochs; `improved(e)` says whether epoch e improved.
template <typename Improved>
std::vector<double> rates(const RateSchedule& s, RunState& st, int epochs, Improved improved) {
  std::vector<double> out;
  for (; st.epoch < epochs; ++st.epoch) {
    s.epoch_begins(st);
    for (st.batch = 0; st.batch < kBatches; ++st.batch, ++st.step) {
      out.push_back(s.step_rate(st, kBatches));
    }
    st.batch = 0;
    s.epoch_ends(st, improved(st.epoch), true);
  }
  return out;
}

TrainConfig config(LrSchedule kind, int epochs, int cooldown = 0) {
  TrainConfig t;
  t.learning_rate = 1e-3;
  t.lr_schedule = kind;
  t.epochs = epochs;
  t.cooldown_epochs = cooldown;
  t.lr_decay = 0.5;
  t.lr_patience = 1;
  return t;
}

TEST(RateSchedule, CosineFollowsHalfACosineOverTheEpochs) {
  const TrainConfig t = config(LrSchedule::kCosine, 4);
  RunState st;
  st.lr = t.learning_rate;
  const auto r = rates(*make_rate_schedule(t, 0), st, 4, [](int) { return true; });
  for (int e = 0; e < 4; ++e) {
    const double want = 1e-3 * 0.5 * (1.0 + std::cos(M_PI * e / 4));
    for (int b = 0; b < kBatches; ++b) EXPECT_DOUBLE_EQ(r[e * kBatches + b], want);
  }
}

TEST(RateSchedule, APlateauHalvesTheRateAfterMoreThanThePatience) {
  const TrainConfig t = config(LrSchedule::kPlateau, 6);
  RunState st;
  st.lr = t.learning_rate;
  // Better in epoch 0, then never: decays after epochs 2 and 4 (2 bad epochs each).
  const auto r = rates(*make_rate_schedule(t, 0), st, 6, [](int e) { return e == 0; });
  const double want[6] = {1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4};
  for (int e = 0; e < 6; ++e) EXPECT_DOUBLE_EQ(r[e * kBatches], want[e]) << "epoch " << e;
  EXPECT_EQ(st.since_decay, 1);
}

TEST(RateSchedule, TheCooldownTakesTheReachedRateLinearlyToZero) {
  const TrainConfig t = config(LrSchedule::kPlateau, 5, 2);
  RunState st;
  st.lr = t.learning_rate;
  // Never better after epoch 0: a decay after epoch 2 sets the rate the cooldown starts from;
  // in the cooldown the plateau counts but never decays.
  const auto r = rates(*make_rate_schedule(t, 0), st, 5, [](int e) { return e == 0; });
  const int first = 3 * kBatches, steps = 2 * kBatches;
  for (int k = 0; k < steps; ++k) {
    EXPECT_DOUBLE_EQ(r[first + k], 5e-4 * (steps - k) / steps) << "cooldown step " << k;
  }
  EXPECT_DOUBLE_EQ(st.cooldown_from, 5e-4);
  EXPECT_EQ(st.since_decay, 2);
}

TEST(RateSchedule, AResumeWithoutMomentsWarmsUpThenKeepsTheSchedulesRate) {
  const TrainConfig t = config(LrSchedule::kNone, 100);
  RunState st;
  st.lr = t.learning_rate;
  st.step = 1000;
  const auto s = make_rate_schedule(t, st.step + kFreshMomentsWarmup);
  const auto r = rates(*s, st, 60, [](int) { return true; });
  for (std::int64_t k = 0; k < kFreshMomentsWarmup; ++k) {
    const double done = 1.0 - static_cast<double>(kFreshMomentsWarmup - k) /
                                  static_cast<double>(kFreshMomentsWarmup + 1);
    ASSERT_DOUBLE_EQ(r[static_cast<std::size_t>(k)], 1e-3 * done) << "warm-up step " << k;
  }
  EXPECT_LT(r[0], 1e-5);
  EXPECT_DOUBLE_EQ(r[kFreshMomentsWarmup], 1e-3);
  EXPECT_DOUBLE_EQ(r.back(), 1e-3);
}

TEST(RateSchedule, ResumedFromASavedStateItGoesOnAtTheSameRates) {
  const TrainConfig t = config(LrSchedule::kPlateau, 8, 3);
  const auto better = [](int e) { return e % 3 == 0; };
  RunState whole;
  whole.lr = t.learning_rate;
  const auto all = rates(*make_rate_schedule(t, 0), whole, 8, better);
  RunState first;
  first.lr = t.learning_rate;
  auto part = rates(*make_rate_schedule(t, 0), first, 6, better);  // into the cooldown
  RunState resumed = RunState::from_json(first.to_json());
  const auto rest = rates(*make_rate_schedule(t, 0), resumed, 8, better);
  part.insert(part.end(), rest.begin(), rest.end());
  ASSERT_EQ(part.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_DOUBLE_EQ(part[i], all[i]) << "step " << i;
}

}  // namespace
}  // namespace mlstm
