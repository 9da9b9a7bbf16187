#pragma once
// Small configurations and data for the LibTorch tests.

#include <torch/torch.h>

#include <cmath>
#include <random>
#include <vector>

#include "midi/note_features.hpp"
#include "model/model_config.hpp"
#include "model/note_model.hpp"

namespace mlstm::test {

inline RunConfig tiny_config(ModelKind kind = ModelKind::kSeq2Seq) {
  RunConfig c;
  c.name = "test";
  c.model.kind = kind;
  c.model.context_notes = kind == ModelKind::kSeq2Seq ? 10 : 12;
  c.model.target_notes = kind == ModelKind::kSeq2Seq ? 12 : 1;
  c.model.embedding = 8;
  c.model.encoder_hidden = 16;
  c.model.decoder_hidden = 24;
  c.train.batch_size = 8;
  c.train.threads = 1;
  c.train.early_stopping = 0;
  return c;
}

// A repeating 8-note figure: every note follows from the notes before it, so a model can learn
// it perfectly.
inline std::vector<NoteFeatures> figure(int notes, int transpose = 0) {
  static const int kPitches[] = {60, 62, 64, 65, 67, 65, 64, 62};
  static const double kSteps[] = {0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.125, 0.125};
  static const int kVelocities[] = {90, 60, 70, 60, 100, 60, 70, 60};
  std::vector<NoteFeatures> out;
  for (int i = 0; i < notes; ++i) {
    out.push_back(
        {kPitches[i % 8] + transpose, kSteps[i % 8], kSteps[i % 8] * 0.8, kVelocities[i % 8]});
  }
  return out;
}

// Random windows of a given length as tensors.
inline NoteTensors random_window(int64_t batch, int64_t notes, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return {torch::randint(0, 128, {batch, notes}, gen, torch::kInt64),
          torch::rand({batch, notes}, gen) * 0.5, torch::rand({batch, notes}, gen) * 2.0,
          torch::randint(1, 128, {batch, notes}, gen, torch::kInt64).to(torch::kFloat32)};
}

// tiny_config() with class heads for step, duration and velocity, log time inputs, and `layers`
// decoder layers.
// A model with attention starts with the attention's values at zero, where a mistake in what
// it reads would not show: draws them instead.
inline void randomize_attention_values(NoteModelImpl& model) {
  torch::NoGradGuard no_grad;
  for (auto& p : model.named_parameters()) {
    if (p.key().rfind("attention_value", 0) == 0) p.value().normal_(0.0, 0.3);
  }
}

inline RunConfig classes_config(int layers = 2) {
  RunConfig c = tiny_config();
  c.model.velocity = true;
  c.model.log_time_inputs = true;
  c.model.time_head = HeadKind::kClasses;
  c.model.velocity_head = HeadKind::kClasses;
  c.model.time_bins = 12;
  c.model.velocity_bins = 6;
  c.model.decoder_layers = layers;
  return c;
}

// Random notes a piano might play: pitches 36..96, steps from chords to a second, some long notes.
inline std::vector<NoteFeatures> random_notes(std::mt19937& rng, int n) {
  std::uniform_int_distribution<int> pitch(36, 96), velocity(30, 110);
  std::uniform_real_distribution<double> log_step(std::log(0.01), std::log(1.0));
  std::bernoulli_distribution chord(0.2);
  std::vector<NoteFeatures> out;
  for (int i = 0; i < n; ++i) {
    const double step = i == 0 || chord(rng) ? 0.0 : std::exp(log_step(rng));
    out.push_back({pitch(rng), step, std::exp(log_step(rng)) * 1.5, velocity(rng)});
  }
  return out;
}

// The same notes from two searches: pitches and velocities exactly; a regression head's times
// (floats out of the model, rounded differently by the LibTorch and the fast path) within 1e-4 s.
inline bool same_notes(const std::vector<NoteFeatures>& a, const std::vector<NoteFeatures>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].pitch != b[i].pitch || a[i].velocity != b[i].velocity ||
        std::abs(a[i].step - b[i].step) > 1e-4 || std::abs(a[i].duration - b[i].duration) > 1e-4) {
      return false;
    }
  }
  return true;
}

}  // namespace mlstm::test
