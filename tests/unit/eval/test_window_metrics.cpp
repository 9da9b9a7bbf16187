// window_metrics' table of where the step error comes from, checked note by note against the
// model's own outputs.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <iterator>
#include <random>
#include <vector>

#include "eval/window_metrics.hpp"
#include "model/note_loss.hpp"
#include "support/tiny_model.hpp"

namespace mlstm {
namespace {

constexpr std::size_t kBands = std::size(kStepBandEdges);

std::size_t band_of(double step) {
  std::size_t b = 0;
  while (b + 1 < kBands && step >= kStepBandEdges[b + 1]) ++b;
  return b;
}

// Non-overlapping windows over performances of random piano notes (chords, steps from 10 ms to
// 1 s: every band has notes), as eval reads a split.
WindowSet random_performances(const RunConfig& c, std::initializer_list<int> lengths) {
  std::mt19937 rng(11);
  std::vector<std::vector<NoteFeatures>> performances;
  for (int n : lengths) performances.push_back(test::random_notes(rng, n));
  const int64_t window = c.model.context_notes + c.model.target_notes;
  return WindowSet(performances, window, window);
}

TEST(WindowMetrics, StepBandsGroupEachNoteByItsRealStepAndAddUpToTheStepError) {
  torch::manual_seed(3);
  const RunConfig c = test::classes_config(1);
  NoteModel model(c.model);
  const WindowSet set = random_performances(c, {400, 300});
  const nlohmann::json m = window_metrics(*model, set, c, torch::kCPU, 0, {}, true);

  // The same figures note by note, from the model's outputs and the real steps.
  std::array<double, kBands> notes{}, err{}, median_err{}, together{};
  double all = 0;
  torch::NoGradGuard no_grad;
  // In the same batches as window_metrics, so each output is computed exactly as there.
  for (int64_t from = 0; from < set.size(); from += c.train.batch_size) {
    const NoteTensors w = set.batch(
        torch::arange(from, std::min(set.size(), from + c.train.batch_size), torch::kInt64));
    const HeadOutputs out = model->forward(w);
    const NoteTensors best = most_likely_notes(out, c.model);
    const torch::Tensor median = median_time_values(out.step, c.model);
    const torch::Tensor real = w.step.slice(1, c.model.context_notes);
    for (int64_t i = 0; i < real.size(0); ++i) {
      for (int64_t j = 0; j < real.size(1); ++j) {
        const double r = real[i][j].item<double>();
        const double mode = best.step[i][j].item<double>();
        const std::size_t b = band_of(r);
        notes[b] += 1;
        err[b] += std::abs(mode - r);
        median_err[b] += std::abs(median[i][j].item<double>() - r);
        together[b] += mode < 0.03 ? 1 : 0;
        all += 1;
      }
    }
  }

  const nlohmann::json& rows = m.at("step_error_by_real_step");
  ASSERT_EQ(rows.size(), kBands);
  double shares = 0, contributions = 0;
  for (std::size_t b = 0; b < kBands; ++b) {
    const nlohmann::json& row = rows[b];
    SCOPED_TRACE("band " + std::to_string(b));
    ASSERT_GT(notes[b], 0) << "the test data must reach every band";
    EXPECT_DOUBLE_EQ(row.at("from_ms").get<double>(), kStepBandEdges[b] * 1e3);
    EXPECT_EQ(row.at("to_ms").is_null(), b + 1 == kBands);
    EXPECT_NEAR(row.at("share").get<double>(), notes[b] / all, 1e-12);
    EXPECT_NEAR(row.at("mae_ms").get<double>(), err[b] / notes[b] * 1e3, 1e-3);
    EXPECT_NEAR(row.at("median_mae_ms").get<double>(), median_err[b] / notes[b] * 1e3, 1e-3);
    EXPECT_NEAR(row.at("predicted_together").get<double>(), together[b] / notes[b], 1e-12);
    shares += row.at("share").get<double>();
    contributions += row.at("contribution_ms").get<double>();
  }
  EXPECT_NEAR(shares, 1.0, 1e-12);
  EXPECT_NEAR(contributions, m.at("step_mae_ms").get<double>(), 1e-3);
}

TEST(WindowMetrics, TrainingsValidationHasNoStepBands) {
  // The trainer logs every validation figure as a scalar: the table must be asked for.
  const RunConfig c = test::classes_config(1);
  NoteModel model(c.model);
  const nlohmann::json m = window_metrics(*model, random_performances(c, {100}), c, torch::kCPU, 0);
  EXPECT_FALSE(m.contains("step_error_by_real_step"));
  EXPECT_TRUE(m.contains("step_mae_ms"));
}

}  // namespace
}  // namespace mlstm
