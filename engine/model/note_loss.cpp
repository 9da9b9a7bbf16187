#include "model/note_loss.hpp"

#include "model/feature_codec.hpp"

namespace mlstm {
namespace F = torch::nn::functional;

torch::Tensor time_classes(const torch::Tensor& seconds, const ModelConfig& m) {
  const TimeBins bins(m);
  // Same rule as TimeBins::to_class, on tensors.
  auto pos =
      (seconds.clamp_min(m.time_min).log() - bins.log_min()) / bins.log_span() * (m.time_bins - 1);
  auto cls = (pos.floor() + 1).clamp(1, m.time_bins - 1).to(torch::kInt64);
  return torch::where(seconds < m.time_min, torch::zeros_like(cls), cls);
}

torch::Tensor velocity_classes(const torch::Tensor& velocity, const ModelConfig& m) {
  auto v = velocity.round().clamp(1, 127).to(torch::kInt64);
  return torch::div((v - 1) * m.velocity_bins, 127, "floor").clamp(0, m.velocity_bins - 1);
}

namespace {

// Time classes (int64) to seconds: the same rule as TimeBins::to_seconds, on tensors.
torch::Tensor class_seconds(const torch::Tensor& classes, const ModelConfig& m,
                            torch::ScalarType type) {
  const TimeBins bins(m);
  const auto c = classes.to(torch::kFloat64);
  const auto v = (bins.log_min() + (c - 0.5) / (m.time_bins - 1) * bins.log_span()).exp();
  return torch::where(c == 0, torch::zeros_like(v), v).to(type);
}

}  // namespace

torch::Tensor median_time_values(const torch::Tensor& head, const ModelConfig& m) {
  if (m.time_head == HeadKind::kRegression) return head.squeeze(-1).clamp(0.0, m.time_max);
  const auto cdf = head.to(torch::kFloat64).softmax(-1).cumsum(-1);
  // Classes whose cumulative probability is still below one half, counted: the median's index.
  // (Rounding can leave the last cumulative sum a hair under one; the clamp keeps it a class.)
  const auto c = (cdf < 0.5).sum(-1).clamp_max(m.time_bins - 1);
  return class_seconds(c, m, head.scalar_type());
}

NoteTensors most_likely_notes(const HeadOutputs& out, const ModelConfig& m) {
  auto time_value = [&](const torch::Tensor& head) {
    if (m.time_head == HeadKind::kRegression) return head.squeeze(-1).clamp(0.0, m.time_max);
    return class_seconds(head.argmax(-1), m, head.scalar_type());
  };
  NoteTensors n{out.pitch.argmax(-1), time_value(out.step), time_value(out.duration), {}};
  if (!m.velocity) {
    n.velocity = torch::zeros_like(n.step);
  } else if (m.velocity_head == HeadKind::kRegression) {
    n.velocity = (out.velocity.squeeze(-1) * 127.0).round().clamp(1, 127);
  } else {
    const VelocityBins vb(m.velocity_bins);
    std::vector<float> table;
    for (int c = 0; c < m.velocity_bins; ++c)
      table.push_back(static_cast<float>(vb.to_velocity(c)));
    n.velocity = torch::tensor(table)
                     .to(out.velocity.device())
                     .index_select(0, out.velocity.argmax(-1).reshape({-1}))
                     .view(out.velocity.sizes().slice(0, out.velocity.dim() - 1));
  }
  return n;
}

namespace {

torch::Tensor class_loss(const torch::Tensor& logits, const torch::Tensor& cls) {
  return F::cross_entropy(logits.reshape({-1, logits.size(-1)}), cls.reshape({-1}));
}

torch::Tensor regression_loss(const torch::Tensor& pred, const torch::Tensor& target,
                              double positive_pressure) {
  auto p = pred.squeeze(-1);
  auto l = F::mse_loss(p, target);
  if (positive_pressure > 0) l = l + positive_pressure * F::relu(-p).mean();
  return l;
}

}  // namespace

LossTerms note_loss(const HeadOutputs& out, const NoteTensors& target, const ModelConfig& m,
                    const LossConfig& w) {
  LossTerms t;
  t.pitch = class_loss(out.pitch, target.pitch);
  // Regression targets are seconds clipped like the inputs, so one long pause cannot dominate.
  auto step = target.step.clamp(0.0, m.time_max);
  auto duration = target.duration.clamp(0.0, m.time_max);
  if (m.time_head == HeadKind::kClasses) {
    t.step = class_loss(out.step, time_classes(step, m));
    t.duration = class_loss(out.duration, time_classes(duration, m));
  } else {
    t.step = regression_loss(out.step, step, w.positive_pressure);
    t.duration = regression_loss(out.duration, duration, w.positive_pressure);
  }
  t.total = w.pitch * t.pitch + w.step * t.step + w.duration * t.duration;
  if (m.velocity) {
    if (m.velocity_head == HeadKind::kClasses) {
      t.velocity = class_loss(out.velocity, velocity_classes(target.velocity, m));
    } else {
      t.velocity = regression_loss(out.velocity, target.velocity / 127.0, w.positive_pressure);
    }
    t.total = t.total + w.velocity * t.velocity;
  }
  return t;
}

}  // namespace mlstm
