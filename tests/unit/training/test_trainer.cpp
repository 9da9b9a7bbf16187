// The training loop on small data in memory: it learns, resumes exactly, stops cleanly.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "data/augment.hpp"
#include "model/checkpoint.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_model.hpp"
#include "train/trainer.hpp"

namespace mlstm {
namespace {

InMemoryData figure_data() {
  InMemoryData d;
  d.train = {test::figure(200), test::figure(200, 2), test::figure(200, -3)};
  // The figure the model has seen: this measures memorizing (overfitting), not generalizing.
  d.validation = {test::figure(100, 2)};
  return d;
}

TrainOptions options(const std::filesystem::path& out) {
  TrainOptions o;
  o.out = out;
  o.device = "cpu";
  o.progress = false;
  return o;
}

// A figure that repeats every 8 notes is fully determined by a 10-note context, so a model that
// learns it predicts each pitch, step and duration class with near certainty. Chance is
// ln(128) = 4.85 nats for pitch and ln(16) = 2.77 for a time class; below 0.3 nats a head gives
// the right answer at least 74% of the time, which no model gets without learning the figure.
TEST(Trainer, TinyModelOverfitsARepeatingFigure) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.model.embedding = 16;
  c.model.encoder_hidden = 32;
  c.model.decoder_hidden = 64;
  c.model.velocity = true;
  c.model.time_head = HeadKind::kClasses;
  c.model.velocity_head = HeadKind::kClasses;
  c.model.time_bins = 16;
  c.model.velocity_bins = 8;
  c.train.learning_rate = 0.01;
  c.train.stride = 2;
  c.train.epochs = 25;
  c.train.batch_size = 16;
  const TrainResult r = train_in_memory(c, figure_data(), options(dir.path()));
  EXPECT_EQ(r.stopped_because, "finished");
  const Checkpoint ck = read_checkpoint(r.best_checkpoint);
  const auto& v = ck.metadata.at("metrics").at("validation");
  EXPECT_LT(v.at("pitch").get<double>(), 0.3) << v.dump();
  EXPECT_LT(v.at("step").get<double>(), 0.3) << v.dump();
  EXPECT_LT(v.at("duration").get<double>(), 0.3) << v.dump();
  EXPECT_LT(v.at("velocity").get<double>(), 0.3) << v.dump();
  EXPECT_TRUE(std::filesystem::exists(dir / "metrics.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir / "config.json"));
  // steps.csv: a header and the mean loss of every 20 steps, falling as the model learns.
  std::ifstream steps(dir / "steps.csv");
  std::string line;
  ASSERT_TRUE(std::getline(steps, line));
  EXPECT_EQ(line, "step,train_seconds,train_loss");
  std::vector<double> losses;
  int64_t last_step = 0;
  while (std::getline(steps, line)) {
    const auto c1 = line.find(','), c2 = line.rfind(',');
    last_step = std::stoll(line.substr(0, c1));
    losses.push_back(std::stod(line.substr(c2 + 1)));
  }
  const int64_t total = ck.metadata.at("state").at("step").get<int64_t>();
  EXPECT_EQ(static_cast<int64_t>(losses.size()), total / 20);
  EXPECT_EQ(last_step, total / 20 * 20);
  ASSERT_GE(losses.size(), 2u);
  EXPECT_LT(losses.back(), losses.front() / 2);
}

// Runs `c` (3 epochs) once straight through and once stopped in the middle of epoch 2 and
// resumed, and expects the same weights, losses and step losses.
void expect_resuming_gives_the_same_run(const RunConfig& c) {
  test::TempDir a, b;
  const InMemoryData d = figure_data();
  train_in_memory(c, d, options(a.path()));

  // The same run, stopped in the middle of epoch 2 (as Ctrl-C does), then resumed.
  std::atomic<bool> stop{false};
  TrainOptions o = options(b.path());
  o.stop = &stop;
  // The 10th of the epoch's 23 steps: neither its first nor its last.
  o.on_step = [&, steps = 0](const TrainProgress& p) mutable {
    if (p.epoch == 1 && ++steps == 10) stop = true;
  };
  const TrainResult first = train_in_memory(c, d, o);
  ASSERT_EQ(first.stopped_because, "interrupted");
  ASSERT_EQ(first.epochs_completed, 1);
  TrainOptions resume = options(b.path());
  resume.resume = true;
  const TrainResult second = train_in_memory(c, d, resume);
  EXPECT_EQ(second.stopped_because, "finished");

  const Checkpoint ca = read_checkpoint(a / "last.ckpt"), cb = read_checkpoint(b / "last.ckpt");
  ASSERT_EQ(ca.tensors.size(), cb.tensors.size());
  for (std::size_t i = 0; i < ca.tensors.size(); ++i) {
    EXPECT_EQ(ca.tensors[i].first, cb.tensors[i].first);
    EXPECT_TRUE(torch::equal(ca.tensors[i].second, cb.tensors[i].second)) << ca.tensors[i].first;
  }
  // The same losses, epoch by epoch (times differ, so compare the loss figures only).
  const auto& ha = ca.metadata.at("state").at("history");
  const auto& hb = cb.metadata.at("state").at("history");
  ASSERT_EQ(ha.size(), 3u);
  ASSERT_EQ(hb.size(), 3u);
  for (std::size_t e = 0; e < 3; ++e) {
    EXPECT_EQ(ha[e].at("train"), hb[e].at("train")) << "epoch " << e + 1;
    EXPECT_EQ(ha[e].at("validation"), hb[e].at("validation")) << "epoch " << e + 1;
  }
  // And the same training loss every 20 steps (steps.csv), across the interruption.
  const auto& sa = ca.metadata.at("state").at("step_losses");
  const auto& sb = cb.metadata.at("state").at("step_losses");
  ASSERT_EQ(sa.size(), sb.size());
  ASSERT_GT(sa.size(), 0u);
  for (std::size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].at(0), sb[i].at(0));
    EXPECT_NEAR(sa[i].at(2).get<double>(), sb[i].at(2).get<double>(), 1e-9) << "entry " << i;
  }
}

RunConfig resumable_config() {
  RunConfig c = test::tiny_config();
  c.model.dropout = 0.2;  // dropout draws must also repeat
  c.model.decoder_layers = 2;
  c.train.epochs = 3;
  c.train.stride = 3;
  return c;
}

TEST(Trainer, ResumingGivesTheSameWeightsAsAnUninterruptedRun) {
  expect_resuming_gives_the_same_run(resumable_config());
}

// The stop falls in the cooldown's first epoch: the rate it decays from must come back too.
TEST(Trainer, ResumingInTheCooldownGivesTheSameWeightsAsAnUninterruptedRun) {
  RunConfig c = resumable_config();
  c.train.cooldown_epochs = 2;
  expect_resuming_gives_the_same_run(c);
}

// Epoch 1 at the configured rate; epochs 2 and 3 step down by the same amount every step, from
// that rate to 1/n of it at the last of their n steps; metrics.csv records the last step's rate.
TEST(Trainer, ACooldownTakesTheRateLinearlyToZeroOverTheLastEpochs) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.train.epochs = 3;
  c.train.cooldown_epochs = 2;
  c.train.learning_rate = 0.01;
  std::vector<std::pair<int, double>> rates;
  TrainOptions o = options(dir.path());
  o.on_step = [&](const TrainProgress& p) { rates.emplace_back(p.epoch, p.learning_rate); };
  const TrainResult r = train_in_memory(c, figure_data(), o);
  ASSERT_EQ(r.stopped_because, "finished");
  std::vector<double> cooldown;
  for (const auto& [epoch, rate] : rates) {
    if (epoch == 0) {
      EXPECT_DOUBLE_EQ(rate, 0.01);
    } else {
      cooldown.push_back(rate);
    }
  }
  const auto n = static_cast<double>(cooldown.size());
  ASSERT_GE(cooldown.size(), 4u);
  ASSERT_EQ(cooldown.size() * 3, rates.size() * 2);  // two epochs of three
  EXPECT_DOUBLE_EQ(cooldown.front(), 0.01);
  for (std::size_t i = 1; i < cooldown.size(); ++i)
    EXPECT_NEAR(cooldown[i - 1] - cooldown[i], 0.01 / n, 1e-12) << "step " << i;
  EXPECT_NEAR(cooldown.back(), 0.01 / n, 1e-12);
  const Checkpoint ck = read_checkpoint(dir / "last.ckpt");
  EXPECT_NEAR(ck.metadata.at("metrics").at("learning_rate").get<double>(), 0.01 / n, 1e-12);
}

// Thrown out of the step callback to end a run as a SIGKILL would: no stop request, no save of
// its own.
struct Killed {};

// A step callback that kills the run at its `n`th step of epoch 2.
std::function<void(const TrainProgress&)> kill_at_step_of_epoch_two(int n) {
  return [n, steps = 0](const TrainProgress& p) mutable {
    if (p.epoch == 1 && ++steps == n) throw Killed{};
  };
}

// A run killed without warning resumes from the latest mid-epoch checkpoint and ends with
// the weights of a run never killed. A tiny interval saves after every batch, so which batch
// the last save followed does not depend on the machine's speed.
TEST(Trainer, ARunKilledMidEpochResumesFromItsPeriodicCheckpoint) {
  test::TempDir a, b;
  RunConfig c = test::tiny_config();
  c.model.dropout = 0.2;
  c.train.epochs = 2;
  c.train.stride = 3;
  const InMemoryData d = figure_data();
  train_in_memory(c, d, options(a.path()));

  TrainOptions o = options(b.path());
  o.checkpoint_minutes = 1e-9;
  o.on_step = kill_at_step_of_epoch_two(5);
  EXPECT_THROW(train_in_memory(c, d, o), Killed);
  // The file on disk is where the killed run stood: in epoch 2, after its 4th batch.
  const Checkpoint mid = read_checkpoint(b / "last.ckpt");
  EXPECT_EQ(mid.metadata.at("state").at("epoch").get<int>(), 1);
  EXPECT_EQ(mid.metadata.at("state").at("batch").get<std::int64_t>(), 4);

  TrainOptions resume = options(b.path());
  resume.resume = true;
  EXPECT_EQ(train_in_memory(c, d, resume).stopped_because, "finished");
  const Checkpoint ca = read_checkpoint(a / "last.ckpt"), cb = read_checkpoint(b / "last.ckpt");
  ASSERT_EQ(ca.tensors.size(), cb.tensors.size());
  for (std::size_t i = 0; i < ca.tensors.size(); ++i) {
    EXPECT_TRUE(torch::equal(ca.tensors[i].second, cb.tensors[i].second)) << ca.tensors[i].first;
  }
  EXPECT_EQ(ca.metadata.at("state").at("history").back().at("validation"),
            cb.metadata.at("state").at("history").back().at("validation"));
}

// Without a periodic interval, last.ckpt only changes at the end of an epoch.
TEST(Trainer, WithoutAnIntervalTheLastCheckpointIsTheLastEpochs) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.train.epochs = 2;
  c.train.stride = 3;
  TrainOptions o = options(dir.path());
  o.on_step = kill_at_step_of_epoch_two(5);
  EXPECT_THROW(train_in_memory(c, figure_data(), o), Killed);
  const Checkpoint ck = read_checkpoint(dir / "last.ckpt");
  EXPECT_EQ(ck.metadata.at("state").at("epoch").get<int>(), 1);
  EXPECT_EQ(ck.metadata.at("state").at("batch").get<std::int64_t>(), 0);
}

TEST(Trainer, NaNLossStopsAndKeepsTheLastGoodCheckpoint) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.train.epochs = 1;
  train_in_memory(c, figure_data(), options(dir.path()));
  const std::string before = test::read_file(dir / "last.ckpt");

  InMemoryData poisoned = figure_data();
  for (auto& perf : poisoned.train) {
    for (auto& n : perf) n.step = std::nan("");
  }
  c.train.epochs = 2;
  TrainOptions o = options(dir.path());
  o.resume = true;
  try {
    train_in_memory(c, poisoned, o);
    FAIL() << "a NaN loss did not stop training";
  } catch (const TrainingError& e) {
    EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("last.ckpt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::read_file(dir / "last.ckpt"), before);
}

TEST(Trainer, ResumeWithAnotherArchitectureNamesTheKey) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.train.epochs = 1;
  train_in_memory(c, figure_data(), options(dir.path()));
  c.model.decoder_hidden = 48;
  TrainOptions o = options(dir.path());
  o.resume = true;
  try {
    train_in_memory(c, figure_data(), o);
    FAIL();
  } catch (const TrainingError& e) {
    EXPECT_NE(std::string(e.what()).find("model.decoder_hidden: 24 in the checkpoint, 48 now"),
              std::string::npos)
        << e.what();
  }
}

// A fine-tune may add attention to a model trained without it: the new parameters start as built
// (the values at zero), so it starts from the checkpoint's outputs; taking attention away is
// another architecture, refused with the key named.
TEST(Trainer, InitFromAddsAttentionStartingFromTheSameOutputs) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.train.epochs = 1;
  const TrainResult first = train_in_memory(c, figure_data(), options(dir / "first"));
  const double before = read_checkpoint(first.best_checkpoint)
                            .metadata.at("metrics")
                            .at("validation")
                            .at("pitch")
                            .get<double>();
  RunConfig with = c;
  with.model.attention = true;
  with.train.learning_rate = 1e-7;  // the least the configuration allows: the weights barely move
  TrainOptions o = options(dir / "second");
  o.init_from = first.best_checkpoint;
  const TrainResult second = train_in_memory(with, figure_data(), o);
  const Checkpoint ck = read_checkpoint(second.best_checkpoint);
  EXPECT_TRUE(ck.config.model.attention);
  EXPECT_NE(ck.find("model.attention_key.weight"), nullptr);
  EXPECT_NEAR(ck.metadata.at("metrics").at("validation").at("pitch").get<double>(), before, 1e-4);

  TrainOptions back = options(dir / "third");
  back.init_from = second.best_checkpoint;
  try {
    train_in_memory(c, figure_data(), back);
    FAIL();
  } catch (const TrainingError& e) {
    EXPECT_NE(std::string(e.what()).find("attention: true in the checkpoint, false now"),
              std::string::npos)
        << e.what();
  }
}

TEST(Trainer, TimeBudgetStopsWithACheckpoint) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.train.epochs = 1000;
  c.train.max_minutes = 0.02;  // 1.2 s of training
  const TrainResult r = train_in_memory(c, figure_data(), options(dir.path()));
  EXPECT_EQ(r.stopped_because, "time budget");
  EXPECT_TRUE(std::filesystem::exists(dir / "last.ckpt"));
  EXPECT_LT(r.epochs_completed, 1000);
}

TEST(Trainer, TooShortDataIsAClearError) {
  test::TempDir dir;
  InMemoryData d;
  d.train = {test::figure(15)};
  d.validation = {test::figure(100)};
  EXPECT_THROW(train_in_memory(test::tiny_config(), d, options(dir.path())), TrainingError);
}

}  // namespace
}  // namespace mlstm

namespace mlstm {
namespace {

// Augmentation moves each window as a whole: one transposition and one tempo factor a row, within
// the bounds asked for, and no pitch past 0..127 (a row at the top can only go down).
TEST(Augment, EachWindowMovesAsAWholeWithinTheBounds) {
  torch::manual_seed(3);
  const int64_t rows = 200, width = 12;
  NoteTensors w;
  w.pitch = torch::randint(40, 80, {rows, width}, torch::kInt64);
  w.pitch.index_put_({0, 0}, 127);  // row 0 cannot go up
  w.pitch.index_put_({1, 0}, 0);    // row 1 cannot go down
  w.step = torch::rand({rows, width}) + 0.01;
  w.duration = torch::rand({rows, width}) + 0.01;
  w.velocity = torch::rand({rows, width});
  const NoteTensors before{w.pitch.clone(), w.step.clone(), w.duration.clone(), w.velocity.clone()};
  augment_windows(w, 6, 0.1);
  const auto shift = w.pitch - before.pitch;
  EXPECT_TRUE((shift == shift.index({torch::indexing::Slice(), torch::indexing::Slice(0, 1)}))
                  .all()
                  .item<bool>());
  EXPECT_GE(shift.min().item<int64_t>(), -6);
  EXPECT_LE(shift.max().item<int64_t>(), 6);
  EXPECT_LE(shift[0][0].item<int64_t>(), 0);
  EXPECT_GE(shift[1][0].item<int64_t>(), 0);
  EXPECT_GE(w.pitch.min().item<int64_t>(), 0);
  EXPECT_LE(w.pitch.max().item<int64_t>(), 127);
  // Both directions are drawn (200 rows: not all alike).
  EXPECT_GT(shift.max().item<int64_t>(), 0);
  EXPECT_LT(shift.min().item<int64_t>(), 0);
  const auto factor = w.step / before.step;
  EXPECT_TRUE(torch::allclose(
      factor,
      factor.index({torch::indexing::Slice(), torch::indexing::Slice(0, 1)}).expand_as(factor)));
  EXPECT_TRUE(torch::allclose(w.duration / before.duration, factor));
  EXPECT_GE(factor.min().item<float>(), 0.9f - 1e-5f);
  EXPECT_LE(factor.max().item<float>(), 1.1f + 1e-5f);
  EXPECT_TRUE(torch::equal(w.velocity, before.velocity));
}

}  // namespace
}  // namespace mlstm
