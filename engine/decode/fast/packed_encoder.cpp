#include "decode/fast/packed_encoder.hpp"

#include <cblas.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mlstm::fast {

PackedEncoder::PackedEncoder(const PackedModel& model)
    : model_(model),
      notes_(model.config.context_notes),
      hidden_(model.config.encoder_hidden),
      directions_(model.encoder_directions()),
      width_(std::max(model.input_features(), model.encoder_directions() * hidden_)) {
  if (model.config.kind != ModelKind::kSeq2Seq) {
    throw std::invalid_argument("packed encoder: a next-note model has no encoder");
  }
  model.check();
  for (const PackedLstmLayer& layer : model.encoder_layers) {
    // The first `inputs` rows of [x | h] x 4H: the input weights alone.
    const std::vector<float> input_rows(
        layer.weights.begin(),
        layer.weights.begin() + static_cast<std::ptrdiff_t>(layer.inputs) * 4 * layer.hidden);
    input_panels_.push_back(pack_panels(input_rows, layer.inputs, 4 * layer.hidden));
  }
  const auto cells = static_cast<std::size_t>(notes_) * width_;
  in_.assign(cells, 0.0f);
  out_.assign(cells, 0.0f);
  projected_.assign(static_cast<std::size_t>(notes_) * 4 * hidden_, 0.0f);
  gates_.assign(static_cast<std::size_t>(4 * hidden_), 0.0f);
  h_.assign(static_cast<std::size_t>(hidden_), 0.0f);
  c_.assign(static_cast<std::size_t>(hidden_), 0.0f);
  summary_.assign(static_cast<std::size_t>(directions_ * hidden_), 0.0f);
}

void PackedEncoder::encode(std::span<const NoteFeatures> context, std::vector<float>& h,
                           std::vector<float>& c) {
  if (context.size() < static_cast<std::size_t>(notes_)) {
    throw std::invalid_argument("packed encoder: the model reads " + std::to_string(notes_) +
                                " notes, got " + std::to_string(context.size()));
  }
  const std::span<const NoteFeatures> notes = context.last(static_cast<std::size_t>(notes_));
  for (int t = 0; t < notes_; ++t) {
    model_.embed(notes[static_cast<std::size_t>(t)], &in_[static_cast<std::size_t>(t) * width_]);
  }
  const int gates = 4 * hidden_;
  const auto row = [&](std::vector<float>& v, int t) {
    return &v[static_cast<std::size_t>(t) * width_];
  };
  for (int l = 0; l < model_.config.encoder_layers; ++l) {
    for (int d = 0; d < directions_; ++d) {
      const auto index = static_cast<std::size_t>(l * directions_ + d);
      const PackedLstmLayer& layer = model_.encoder_layers[index];
      panel_product(in_.data(), notes_, width_, input_panels_[index], layer.bias, projected_.data(),
                    gates);
      // The recurrent weights: the last `hidden` rows of [x | h] x 4H.
      const float* recurrent =
          layer.weights.data() + static_cast<std::size_t>(layer.inputs) * gates;
      std::fill(h_.begin(), h_.end(), 0.0f);
      std::fill(c_.begin(), c_.end(), 0.0f);
      for (int i = 0; i < notes_; ++i) {
        const int t = d == 0 ? i : notes_ - 1 - i;
        std::copy_n(&projected_[static_cast<std::size_t>(t) * gates], gates, gates_.data());
        if (i > 0) {
          cblas_sgemv(CblasRowMajor, CblasTrans, hidden_, gates, 1.0f, recurrent, gates, h_.data(),
                      1, 1.0f, gates_.data(), 1);
        }
        lstm_cell(gates_.data(), hidden_, h_.data(), c_.data());
        std::copy(h_.begin(), h_.end(), row(out_, t) + d * hidden_);
      }
    }
    in_.swap(out_);  // the next layer reads this one's outputs
  }
  // The max over time of the top layer's outputs (now in in_), then the two projections.
  const int summary = directions_ * hidden_;
  std::copy_n(row(in_, 0), summary, summary_.data());
  for (int t = 1; t < notes_; ++t) {
    const float* o = row(in_, t);
    for (int j = 0; j < summary; ++j)
      summary_[static_cast<std::size_t>(j)] = std::max(summary_[static_cast<std::size_t>(j)], o[j]);
  }
  const int states = model_.config.decoder_layers * model_.hidden();
  const auto project = [&](const std::vector<float>& w, const std::vector<float>& bias,
                           std::vector<float>& out) {
    out.assign(bias.begin(), bias.end());
    cblas_sgemv(CblasRowMajor, CblasTrans, summary, states, 1.0f, w.data(), states, summary_.data(),
                1, 1.0f, out.data(), 1);
  };
  project(model_.to_h_weights, model_.to_h_bias, h);
  project(model_.to_c_weights, model_.to_c_bias, c);
}

}  // namespace mlstm::fast
