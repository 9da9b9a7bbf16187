#pragma once
// Small configurations and data for the LibTorch tests.

#include <torch/torch.h>

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

}  // namespace mlstm::test
