// The models, their loss, and checkpoints.
#include <gtest/gtest.h>

#include <fstream>

#include "model/checkpoint.hpp"
#include "model/feature_codec.hpp"
#include "model/note_loss.hpp"
#include "model/note_model.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_model.hpp"

namespace mlstm {
namespace {

TEST(NoteModel, Seq2SeqOutputsOneRowPerTargetNote) {
  RunConfig c = test::tiny_config();
  NoteModel m(c.model);
  const HeadOutputs o = m->forward(test::random_window(3, 22, 1));
  EXPECT_EQ(o.pitch.sizes(), (std::vector<int64_t>{3, 12, 128}));
  EXPECT_EQ(o.step.sizes(), (std::vector<int64_t>{3, 12, 1}));
  EXPECT_EQ(o.duration.sizes(), (std::vector<int64_t>{3, 12, 1}));
  EXPECT_FALSE(o.velocity.defined());
}

TEST(NoteModel, ClassHeadsAndVelocity) {
  RunConfig c = test::tiny_config();
  c.model.velocity = true;
  c.model.time_head = HeadKind::kClasses;
  c.model.velocity_head = HeadKind::kClasses;
  c.model.time_bins = 20;
  c.model.velocity_bins = 9;
  NoteModel m(c.model);
  const HeadOutputs o = m->forward(test::random_window(2, 22, 2));
  EXPECT_EQ(o.step.size(2), 20);
  EXPECT_EQ(o.duration.size(2), 20);
  EXPECT_EQ(o.velocity.size(2), 9);
  const LossTerms l = note_loss(o, test::random_window(2, 12, 3), c.model, c.loss);
  EXPECT_TRUE(l.velocity.defined());
  EXPECT_TRUE(std::isfinite(l.total.item<double>()));
}

TEST(NoteModel, NextNoteOutputsOneNote) {
  RunConfig c = test::tiny_config(ModelKind::kNextNote);
  NoteModel m(c.model);
  const HeadOutputs o = m->forward(test::random_window(4, 13, 4));
  EXPECT_EQ(o.pitch.sizes(), (std::vector<int64_t>{4, 1, 128}));
}

TEST(NoteModel, DecoderHeadsAreSizedFromTheDecoder) {
  // The original sized step and duration heads from the encoder; different sizes must work.
  RunConfig c = test::tiny_config();
  c.model.encoder_hidden = 7;
  c.model.decoder_hidden = 13;
  c.model.decoder_layers = 2;
  NoteModel m(c.model);
  EXPECT_EQ(m->forward(test::random_window(2, 22, 5)).step.size(1), 12);
}

// With attention, the teacher-forced pass and the incremental decoder (one note at a time, as the
// search runs it) give the same outputs: the attention reads the context at every step alone.
TEST(NoteModel, AttentionDecodesIncrementallyAsTheTeacherForcedPass) {
  RunConfig c = test::tiny_config();
  c.model.attention = true;
  torch::manual_seed(9);
  NoteModel m(c.model);
  m->eval();
  test::randomize_attention_values(*m);
  torch::NoGradGuard no_grad;
  const NoteTensors w = test::random_window(2, 22, 8);
  const HeadOutputs whole = m->forward(w);
  DecoderState state = m->start_decoding(w.slice(0, 10));
  EXPECT_EQ(state.keys.sizes(), (std::vector<int64_t>{2, 10, c.model.decoder_hidden}));
  NoteTensors input = start_tokens(2, w.step.options());
  for (int64_t t = 0; t < 12; ++t) {
    const HeadOutputs one = m->decode(input, state);
    using torch::indexing::Slice;
    EXPECT_TRUE(
        torch::allclose(one.pitch.index({Slice(), 0}), whole.pitch.index({Slice(), t}), 1e-5, 1e-5))
        << "note " << t;
    input = w.slice(10 + t, 11 + t);
  }
}

TEST(NoteModel, WrongWindowLengthIsAnError) {
  NoteModel m(test::tiny_config().model);
  EXPECT_THROW(m->forward(test::random_window(2, 21, 6)), c10::Error);
}

TEST(NoteLoss, TimeClassesMatchTheScalarRule) {
  RunConfig c = test::tiny_config();
  c.model.time_bins = 40;
  const TimeBins bins(c.model);
  // Double precision: in float32, 0.005 is 0.00499999988 and lands on the other side of the edge.
  const auto t =
      torch::tensor({0.0, 0.001, 0.005, 0.0123, 0.5, 1.0, 7.99, 8.0, 50.0}, torch::kFloat64);
  const auto cls = time_classes(t, c.model);
  for (int64_t i = 0; i < t.size(0); ++i) {
    EXPECT_EQ(cls[i].item<int64_t>(), bins.to_class(t[i].item<double>())) << t[i].item<double>();
  }
  const VelocityBins vb(c.model.velocity_bins);
  const auto v = torch::arange(1, 128).to(torch::kFloat32);
  const auto vc = velocity_classes(v, c.model);
  for (int i = 0; i < 127; ++i) EXPECT_EQ(vc[i].item<int64_t>(), vb.to_class(i + 1));
}

TEST(NoteLoss, PositivePressurePenalizesNegativeTimes) {
  RunConfig c = test::tiny_config();
  HeadOutputs o{
      torch::zeros({1, 2, 128}), torch::full({1, 2, 1}, -1.0), torch::zeros({1, 2, 1}), {}};
  NoteTensors target{torch::zeros({1, 2}, torch::kInt64), torch::zeros({1, 2}),
                     torch::zeros({1, 2}), torch::ones({1, 2})};
  const double plain = note_loss(o, target, c.model, c.loss).step.item<double>();
  c.loss.positive_pressure = 10.0;
  const double pressed = note_loss(o, target, c.model, c.loss).step.item<double>();
  EXPECT_DOUBLE_EQ(plain, 1.0);
  EXPECT_DOUBLE_EQ(pressed, 11.0);
}

TEST(NoteLoss, WeightsScaleTheTotal) {
  RunConfig c = test::tiny_config();
  NoteModel m(c.model);
  const auto w = test::random_window(2, 22, 7);
  const auto o = m->forward(w);
  const LossTerms l = note_loss(o, w.slice(10, 22), c.model, c.loss);
  c.loss.pitch = 2.0;
  c.loss.step = 0.0;
  const LossTerms l2 = note_loss(o, w.slice(10, 22), c.model, c.loss);
  EXPECT_NEAR(l2.total.item<double>(), 2.0 * l.pitch.item<double>() + l.duration.item<double>(),
              1e-5);
}

TEST(NoteLoss, MostLikelyNotesDecodeClassesToTheirValues) {
  RunConfig c = test::tiny_config();
  c.model.velocity = true;
  c.model.time_head = HeadKind::kClasses;
  c.model.velocity_head = HeadKind::kClasses;
  c.model.time_bins = 10;
  c.model.velocity_bins = 8;
  HeadOutputs o{torch::zeros({1, 2, 128}), torch::zeros({1, 2, 10}), torch::zeros({1, 2, 10}),
                torch::zeros({1, 2, 8})};
  o.pitch.index_put_({0, 0, 61}, 5.0);
  o.pitch.index_put_({0, 1, 70}, 5.0);
  o.step.index_put_({0, 0, 0}, 5.0);
  o.step.index_put_({0, 1, 4}, 5.0);
  o.duration.index_put_({0, 0, 9}, 5.0);
  o.duration.index_put_({0, 1, 1}, 5.0);
  o.velocity.index_put_({0, 0, 3}, 5.0);
  o.velocity.index_put_({0, 1, 7}, 5.0);
  const NoteTensors n = most_likely_notes(o, c.model);
  const TimeBins tb(c.model);
  const VelocityBins vb(8);
  EXPECT_EQ(n.pitch[0][1].item<int64_t>(), 70);
  EXPECT_EQ(n.step[0][0].item<float>(), 0.0f);
  EXPECT_NEAR(n.step[0][1].item<float>(), tb.to_seconds(4), 1e-6);
  EXPECT_NEAR(n.duration[0][0].item<float>(), tb.to_seconds(9), 1e-5);
  EXPECT_EQ(n.velocity[0][0].item<float>(), vb.to_velocity(3));
  EXPECT_EQ(n.velocity[0][1].item<float>(), vb.to_velocity(7));
}

// A head split between a chord (40%) and two later classes (35%, 25%): its most likely value is
// the chord's 0 s, its median the first later class, where the cumulative probability passes 1/2.
TEST(NoteLoss, MedianTimeValuesTakeTheClassWhereHalfTheProbabilityIsReached) {
  RunConfig c = test::tiny_config();
  c.model.time_head = HeadKind::kClasses;
  c.model.time_bins = 10;
  const auto probabilities = [](std::vector<double> p) {
    return torch::tensor(p, torch::kFloat32).log().view({1, 1, 10});
  };
  const torch::Tensor split =
      probabilities({0.4, 1e-9, 1e-9, 0.35, 1e-9, 1e-9, 0.25 - 4e-9, 1e-9, 1e-9, 1e-9});
  const TimeBins tb(c.model);
  EXPECT_NEAR(median_time_values(split, c.model).item<float>(), tb.to_seconds(3), 1e-6);
  HeadOutputs o{torch::zeros({1, 1, 128}), split, split, {}};
  EXPECT_EQ(most_likely_notes(o, c.model).step.item<float>(), 0.0f);
  // Mass at the top class alone: the median is that class, not one past the end.
  std::vector<double> top(10, 1e-9);
  top[9] = 1.0 - 9e-9;
  EXPECT_NEAR(median_time_values(probabilities(top), c.model).item<float>(), tb.to_seconds(9),
              1e-5);
}

// --- checkpoints ---

TEST(Checkpoint, LoadsACheckpointWrittenByLibTorch2OnCuda) {
  // Made by bench/gpu/run_on_gpu_machine.sh: LibTorch 2.11 on an H200; we load it with ours.
  const auto path =
      std::filesystem::path(MUSIC_LSTM_SOURCE_DIR) / "tests/data/tiny-libtorch-2.11-cuda.ckpt";
  const Checkpoint ck = read_checkpoint(path);
  EXPECT_EQ(ck.metadata.at("torch"), "2.11.0");
  EXPECT_EQ(ck.metadata.at("device"), "cuda");
  NoteModel m = load_model(path);
  torch::NoGradGuard no_grad;
  const HeadOutputs o = m->forward(test::random_window(2, m->window_notes(), 9));
  EXPECT_TRUE(torch::isfinite(o.pitch).all().item<bool>());
  EXPECT_EQ(o.step.size(2), ck.config.model.time_bins);
}

// README's fine-tune of the shipped model uses presets/training/finetune.json; a model section
// that differs from the checkpoint's either fails (a shape) or silently changes what the model
// reads (context_notes), so the preset must describe the shipped model exactly.
TEST(Checkpoint, TheFinetunePresetDescribesTheShippedModel) {
  const std::filesystem::path root(MUSIC_LSTM_SOURCE_DIR);
  const RunConfig preset = load_run_config(root / "presets/training/finetune.json");
  const Checkpoint shipped = read_checkpoint(root / "models/default/model.ckpt");
  EXPECT_EQ(to_json(preset)["model"].dump(), to_json(shipped.config)["model"].dump());
}

TEST(Checkpoint, SaveThenLoadGivesIdenticalOutputs) {
  test::TempDir dir;
  RunConfig c = test::tiny_config();
  c.model.velocity = true;
  torch::manual_seed(11);
  NoteModel m(c.model);
  m->eval();
  Checkpoint ck;
  ck.config = c;
  ck.metadata = {{"epoch", 3}};
  ck.tensors = model_tensors(*m);
  save_checkpoint(dir / "m.ckpt", ck);

  NoteModel loaded = load_model(dir / "m.ckpt");
  const auto w = test::random_window(3, 22, 8);
  const HeadOutputs a = m->forward(w), b = loaded->forward(w);
  EXPECT_TRUE(torch::equal(a.pitch, b.pitch));
  EXPECT_TRUE(torch::equal(a.step, b.step));
  EXPECT_TRUE(torch::equal(a.velocity, b.velocity));
  const Checkpoint back = read_checkpoint(dir / "m.ckpt");
  EXPECT_EQ(back.config, c);
  EXPECT_EQ(back.metadata.at("epoch"), 3);
}

void expect_checkpoint_error(const std::filesystem::path& p, const std::string& fragment) {
  try {
    load_model(p);
    FAIL() << "no error for " << p;
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
  }
}

class CheckpointBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    NoteModel m(test::tiny_config().model);
    Checkpoint ck;
    ck.config = test::tiny_config();
    ck.tensors = model_tensors(*m);
    save_checkpoint(good(), ck);
  }
  std::filesystem::path good() const { return dir_ / "good.ckpt"; }
  std::string bytes() const { return test::read_file(good()); }
  std::filesystem::path write(const std::string& name, const std::string& data) const {
    std::ofstream(dir_ / name, std::ios::binary) << data;
    return dir_ / name;
  }
  test::TempDir dir_;
};

TEST_F(CheckpointBadInput, Missing) {
  expect_checkpoint_error(dir_ / "none.ckpt", "no such model file");
}

TEST_F(CheckpointBadInput, Garbage) {
  expect_checkpoint_error(write("g.ckpt", "PK\x03\x04 some other archive"),
                          "not a music-lstm model file");
}

TEST_F(CheckpointBadInput, Truncated) {
  const std::string b = bytes();
  expect_checkpoint_error(write("t.ckpt", b.substr(0, b.size() - 100)), "truncated");
}

TEST_F(CheckpointBadInput, OtherFormatVersion) {
  std::string b = bytes();
  b[8] = 9;
  expect_checkpoint_error(write("v.ckpt", b), "checkpoint format 9");
}

TEST_F(CheckpointBadInput, CorruptHeader) {
  std::string b = bytes();
  b[30] = '\x01';
  expect_checkpoint_error(write("h.ckpt", b), "corrupt checkpoint header");
}

TEST_F(CheckpointBadInput, AnotherArchitecture) {
  RunConfig other = test::tiny_config();
  other.model.decoder_hidden = 40;
  NoteModel m(other.model);
  try {
    load_model_weights(*m, read_checkpoint(good()), good().string());
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("another architecture"), std::string::npos) << e.what();
  }
  RunConfig next = test::tiny_config(ModelKind::kNextNote);
  NoteModel n(next.model);
  EXPECT_THROW(load_model_weights(*n, read_checkpoint(good()), good().string()), CheckpointError);
}

}  // namespace
}  // namespace mlstm
