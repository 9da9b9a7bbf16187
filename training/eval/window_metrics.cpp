#include "eval/window_metrics.hpp"

#include <algorithm>
#include <iterator>

namespace mlstm {

using json = nlohmann::json;

namespace {

constexpr std::size_t kBands = std::size(kStepBandEdges);

// Per band: notes, the mode's and the median's absolute error (s), notes whose mode is "together".
struct BandSums {
  double notes[kBands] = {}, err[kBands] = {}, median_err[kBands] = {}, together[kBands] = {};

  void add(const torch::Tensor& real, const torch::Tensor& mode, const torch::Tensor& median) {
    const torch::Tensor mode_err = (mode - real).abs(), median_err_t = (median - real).abs();
    const torch::Tensor mode_together = mode < kStepBandEdges[1];
    for (std::size_t i = 0; i < kBands; ++i) {
      torch::Tensor in = real >= kStepBandEdges[i];
      if (i + 1 < kBands) in = in & (real < kStepBandEdges[i + 1]);
      notes[i] += in.sum().item<double>();
      err[i] += mode_err.masked_select(in).sum().item<double>();
      median_err[i] += median_err_t.masked_select(in).sum().item<double>();
      together[i] += (mode_together & in).sum().item<double>();
    }
  }

  json rows(double all_notes) const {
    json out = json::array();
    for (std::size_t i = 0; i < kBands; ++i) {
      const double n = std::max(notes[i], 1.0);
      out.push_back({{"from_ms", kStepBandEdges[i] * 1e3},
                     {"to_ms", i + 1 < kBands ? json(kStepBandEdges[i + 1] * 1e3) : json(nullptr)},
                     {"share", notes[i] / all_notes},
                     {"mae_ms", err[i] / n * 1e3},
                     {"median_mae_ms", median_err[i] / n * 1e3},
                     {"contribution_ms", err[i] / all_notes * 1e3},
                     {"predicted_together", together[i] / n}});
    }
    return out;
  }
};

}  // namespace

json window_metrics(NoteModelImpl& model, const WindowSet& set, const RunConfig& c,
                    const torch::Device& device, int64_t max_windows,
                    const WindowProgress& progress, bool step_bands) {
  int64_t n = set.size();
  if (max_windows > 0) n = std::min<int64_t>(n, max_windows);
  return window_metrics_span(model, set, c, device, 0, n, progress, step_bands);
}

json window_metrics_span(NoteModelImpl& model, const WindowSet& set, const RunConfig& c,
                         const torch::Device& device, int64_t begin, int64_t end,
                         const WindowProgress& progress, bool step_bands) {
  torch::NoGradGuard no_grad;
  model.eval();
  LossSums sums;
  BandSums bands;
  double correct = 0, step_err = 0, step_median_err = 0, duration_err = 0, velocity_err = 0,
         notes = 0;
  const int64_t b = c.train.batch_size;
  const int64_t ctx = c.model.context_notes;
  for (int64_t from = begin; from < end; from += b) {
    const auto ids = torch::arange(from, std::min(end, from + b), torch::kInt64);
    const NoteTensors w = set.batch(ids).to(device);
    const NoteTensors target = w.slice(ctx, set.window_notes());
    const HeadOutputs out = model.forward(w);
    sums.add(note_loss(out, target, c.model, c.loss), ids.size(0));
    const NoteTensors best = most_likely_notes(out, c.model);
    correct += (best.pitch == target.pitch).sum().item<double>();
    const torch::Tensor real_step = target.step.clamp(0.0, c.model.time_max);
    const torch::Tensor median_step = median_time_values(out.step, c.model);
    step_err += (best.step - real_step).abs().sum().item<double>();
    step_median_err += (median_step - real_step).abs().sum().item<double>();
    if (step_bands) bands.add(real_step, best.step, median_step);
    duration_err +=
        (best.duration - target.duration.clamp(0.0, c.model.time_max)).abs().sum().item<double>();
    if (c.model.velocity)
      velocity_err += (best.velocity - target.velocity).abs().sum().item<double>();
    notes += static_cast<double>(target.pitch.numel());
    if (progress) progress(std::min(end, from + b) - begin, end - begin);
  }
  json m = sums.means(c.model.velocity);
  m["pitch_accuracy"] = correct / notes;
  m["step_mae_ms"] = step_err / notes * 1e3;
  m["step_median_mae_ms"] = step_median_err / notes * 1e3;
  m["duration_mae_ms"] = duration_err / notes * 1e3;
  if (c.model.velocity) m["velocity_mae"] = velocity_err / notes;
  if (step_bands) m["step_error_by_real_step"] = bands.rows(notes);
  return m;
}

}  // namespace mlstm
