#pragma once
// What a model gets right note by note on a set of windows (validation during training, the test
// split in `music-lstm eval`): the mean loss terms (the pitch term is the pitch negative
// log-likelihood in nats), and what its most likely notes get right, comparable across head
// kinds: pitch accuracy, step and duration error in ms, velocity error.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "data/note_windows.hpp"
#include "model/model_config.hpp"
#include "model/note_loss.hpp"
#include "model/note_model.hpp"

namespace mlstm {

inline constexpr const char* kHeads[] = {"loss", "pitch", "step", "duration", "velocity"};

// Sums of the loss terms over windows, for epoch means.
struct LossSums {
  double v[5] = {0, 0, 0, 0, 0};
  double windows = 0;

  void add(const LossTerms& t, int64_t n) {
    const torch::Tensor terms[5] = {t.total, t.pitch, t.step, t.duration, t.velocity};
    for (int i = 0; i < 5; ++i) {
      if (terms[i].defined()) v[i] += terms[i].item<double>() * static_cast<double>(n);
    }
    windows += static_cast<double>(n);
  }
  nlohmann::json means(bool velocity) const {
    nlohmann::json j;
    for (int i = 0; i < 5; ++i) {
      if (i == 4 && !velocity) continue;
      j[kHeads[i]] = windows > 0 ? v[i] / windows : 0.0;
    }
    return j;
  }
  nlohmann::json to_json() const { return {{"v", v}, {"windows", windows}}; }
  static LossSums from_json(const nlohmann::json& j) {
    LossSums s;
    for (int i = 0; i < 5; ++i) s.v[i] = j.at("v").at(static_cast<std::size_t>(i)).get<double>();
    s.windows = j.at("windows").get<double>();
    return s;
  }
};

using WindowProgress = std::function<void(int64_t done, int64_t total)>;

// Where the step error comes from: the predicted notes grouped by their real step, at these edges
// (seconds; the last band has no upper edge). 30 ms is the project's "together" (a chord, as the
// answers' onset limits count it); 150 ms and 500 ms part running notes, beats and long notes or
// rests. A model that cannot tell a chord from the next beat shows it in the first and last bands.
inline constexpr double kStepBandEdges[] = {0.0, 0.03, 0.15, 0.5};

// The model in eval mode over the first `max_windows` windows of `set` (0: all), in batches of the
// configuration's batch size. Keys: loss, pitch, step, duration (velocity), pitch_accuracy,
// step_mae_ms, duration_mae_ms (velocity_mae): the mean absolute error of the most likely value;
// step_median_mae_ms: of the step distribution's median. With `step_bands`, also
// step_error_by_real_step: a row a band of kStepBandEdges, {from_ms, to_ms (null: no upper edge),
// share (of the notes), mae_ms, median_mae_ms, contribution_ms (share x mae_ms: the rows add up to
// step_mae_ms), predicted_together (the share whose most likely step is under 30 ms)}.
// Leaves the model in eval mode.
nlohmann::json window_metrics(NoteModelImpl& model, const WindowSet& set, const RunConfig& c,
                              const torch::Device& device, int64_t max_windows,
                              const WindowProgress& progress = {}, bool step_bands = false);
// The same over windows [begin, end) of `set` (a rank's part of the validation windows); with no
// window, every figure is NaN but the loss terms (0).
nlohmann::json window_metrics_span(NoteModelImpl& model, const WindowSet& set, const RunConfig& c,
                                   const torch::Device& device, int64_t begin, int64_t end,
                                   const WindowProgress& progress = {}, bool step_bands = false);

}  // namespace mlstm
