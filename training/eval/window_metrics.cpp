#include "eval/window_metrics.hpp"

namespace mlstm {

using json = nlohmann::json;

json window_metrics(NoteModelImpl& model, const WindowSet& set, const RunConfig& c,
                    const torch::Device& device, int64_t max_windows,
                    const WindowProgress& progress) {
  torch::NoGradGuard no_grad;
  model.eval();
  LossSums sums;
  double correct = 0, step_err = 0, step_median_err = 0, duration_err = 0, velocity_err = 0,
         notes = 0;
  int64_t n = set.size();
  if (max_windows > 0) n = std::min<int64_t>(n, max_windows);
  const int64_t b = c.train.batch_size;
  const int64_t ctx = c.model.context_notes;
  for (int64_t from = 0; from < n; from += b) {
    const auto ids = torch::arange(from, std::min(n, from + b), torch::kInt64);
    const NoteTensors w = set.batch(ids).to(device);
    const NoteTensors target = w.slice(ctx, set.window_notes());
    const HeadOutputs out = model.forward(w);
    sums.add(note_loss(out, target, c.model, c.loss), ids.size(0));
    const NoteTensors best = most_likely_notes(out, c.model);
    correct += (best.pitch == target.pitch).sum().item<double>();
    step_err += (best.step - target.step.clamp(0.0, c.model.time_max)).abs().sum().item<double>();
    step_median_err +=
        (median_time_values(out.step, c.model) - target.step.clamp(0.0, c.model.time_max))
            .abs()
            .sum()
            .item<double>();
    duration_err +=
        (best.duration - target.duration.clamp(0.0, c.model.time_max)).abs().sum().item<double>();
    if (c.model.velocity)
      velocity_err += (best.velocity - target.velocity).abs().sum().item<double>();
    notes += static_cast<double>(target.pitch.numel());
    if (progress) progress(std::min(n, from + b), n);
  }
  json m = sums.means(c.model.velocity);
  m["pitch_accuracy"] = correct / notes;
  m["step_mae_ms"] = step_err / notes * 1e3;
  m["step_median_mae_ms"] = step_median_err / notes * 1e3;
  m["duration_mae_ms"] = duration_err / notes * 1e3;
  if (c.model.velocity) m["velocity_mae"] = velocity_err / notes;
  return m;
}

}  // namespace mlstm
