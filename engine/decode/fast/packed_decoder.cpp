#include "decode/fast/packed_decoder.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "decode/fast/panel_product.hpp"
#include "model/feature_codec.hpp"

namespace mlstm::fast {
namespace {

// out (rows x n) = in (rows x k, row stride `lda`) times w (k x n) plus bias. One row (width 1,
// the first note of every answer, a next-note model's context) is a matrix-vector product, where
// OpenBLAS's sgemv streams the weights faster than the panels do; more rows go through the panels
// (panel_product.hpp says why).
void affine(const float* in, int rows, int lda, const std::vector<float>& w, const Panels& panels,
            const std::vector<float>& bias, float* out, int ldo) {
  if (rows == 1) {
    std::copy(bias.begin(), bias.end(), out);
    cblas_sgemv(CblasRowMajor, CblasTrans, panels.k, panels.n, 1.0f, w.data(), panels.n, in, 1,
                1.0f, out, 1);
    return;
  }
  panel_product(in, rows, lda, panels, bias, out, ldo);
}

}  // namespace

PackedDecoder::PackedDecoder(const PackedModel& model, int max_beams)
    : model_(model),
      max_beams_(max_beams),
      hidden_(model.hidden()),
      width_(std::max(model.input_features(), model.hidden()) + model.hidden()) {
  model.check();
  if (max_beams < 1) throw std::invalid_argument("packed decoder: at least one beam");
  const std::size_t states = model.layers.size() * max_beams * static_cast<std::size_t>(hidden_);
  h_.assign(states, 0.0f);
  c_.assign(states, 0.0f);
  moved_h_.assign(states, 0.0f);
  moved_c_.assign(states, 0.0f);
  x_.assign(static_cast<std::size_t>(max_beams) * width_, 0.0f);
  gates_.assign(static_cast<std::size_t>(max_beams) * 4 * hidden_, 0.0f);
  out_.assign(static_cast<std::size_t>(max_beams) * model.outputs(), 0.0f);
  for (const PackedLstmLayer& layer : model.layers) {
    layer_panels_.push_back(
        pack_panels(layer.weights, layer.inputs + layer.hidden, 4 * layer.hidden));
  }
  head_panels_ = pack_panels(model.head_weights, hidden_, model.outputs());
  if (model.config.attention) {
    const int summary = model.encoder_directions() * model.config.encoder_hidden;
    const auto memory = static_cast<std::size_t>(model.config.context_notes) * hidden_;
    keys_.assign(memory, 0.0f);
    values_.assign(memory, 0.0f);
    weights_.assign(static_cast<std::size_t>(model.config.context_notes), 0.0f);
    attended_.assign(static_cast<std::size_t>(max_beams) * hidden_, 0.0f);
    no_bias_.assign(static_cast<std::size_t>(hidden_), 0.0f);
    key_panels_ = pack_panels(model.attention_key_weights, summary, hidden_);
    value_panels_ = pack_panels(model.attention_value_weights, summary, hidden_);
  }
}

void PackedDecoder::attend_to(std::span<const float> encoder_outputs, int stride) {
  if (!model_.config.attention) {
    throw std::invalid_argument("packed decoder: the model has no attention");
  }
  const int notes = model_.config.context_notes;
  const int summary = model_.encoder_directions() * model_.config.encoder_hidden;
  if (stride < summary ||
      encoder_outputs.size() < static_cast<std::size_t>(notes - 1) * stride + summary) {
    throw std::invalid_argument("packed decoder: attention needs the encoder's output at " +
                                std::to_string(notes) + " notes");
  }
  panel_product(encoder_outputs.data(), notes, stride, key_panels_, no_bias_, keys_.data(),
                hidden_);
  panel_product(encoder_outputs.data(), notes, stride, value_panels_, model_.attention_value_bias,
                values_.data(), hidden_);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hidden_));
  for (float& k : keys_) k *= scale;
}

void PackedDecoder::attend(int beams) {
  const int notes = model_.config.context_notes;
  const int top = static_cast<int>(model_.layers.size()) - 1;
  for (int b = 0; b < beams; ++b) {
    const float* query = h(top, b);
    // The softmax over the notes of the query's dot products with the keys.
    cblas_sgemv(CblasRowMajor, CblasNoTrans, notes, hidden_, 1.0f, keys_.data(), hidden_, query, 1,
                0.0f, weights_.data(), 1);
    const float most = *std::max_element(weights_.begin(), weights_.end());
    float sum = 0.0f;
    for (float& w : weights_) {
      w = std::exp(w - most);
      sum += w;
    }
    for (float& w : weights_) w /= sum;
    // The output plus the weighted values.
    float* out = &attended_[static_cast<std::size_t>(b) * hidden_];
    std::copy_n(query, hidden_, out);
    cblas_sgemv(CblasRowMajor, CblasTrans, notes, hidden_, 1.0f, values_.data(), hidden_,
                weights_.data(), 1, 1.0f, out, 1);
  }
}

std::size_t PackedDecoder::index(int layer, int beam) const {
  return (static_cast<std::size_t>(layer) * max_beams_ + beam) * hidden_;
}

void PackedDecoder::start(std::span<const float> h0, std::span<const float> c0) {
  const std::size_t per_layer = static_cast<std::size_t>(hidden_);
  if (h0.size() != model_.layers.size() * per_layer || c0.size() != h0.size()) {
    throw std::invalid_argument("packed decoder: the start state must be layers x hidden");
  }
  for (std::size_t l = 0; l < model_.layers.size(); ++l) {
    std::copy_n(h0.begin() + l * per_layer, per_layer, h(static_cast<int>(l), 0));
    std::copy_n(c0.begin() + l * per_layer, per_layer, c(static_cast<int>(l), 0));
  }
  beams_ = 1;
}

void PackedDecoder::step(std::span<const NoteFeatures> notes) {
  const int beams = static_cast<int>(notes.size());
  if (beams < 1 || beams > max_beams_) {
    throw std::invalid_argument("packed decoder: 1 to " + std::to_string(max_beams_) + " beams");
  }
  beams_ = beams;
  const int features = model_.input_features();
  for (int b = 0; b < beams; ++b) {
    model_.embed(notes[static_cast<std::size_t>(b)], &x_[static_cast<std::size_t>(b) * width_]);
  }
  const int gates = 4 * hidden_;
  for (std::size_t l = 0; l < model_.layers.size(); ++l) {
    const PackedLstmLayer& layer = model_.layers[l];
    const int layer_index = static_cast<int>(l);
    const int inputs = l == 0 ? features : hidden_;
    for (int b = 0; b < beams; ++b) {
      float* x = &x_[static_cast<std::size_t>(b) * width_];
      if (l > 0) std::copy_n(h(layer_index - 1, b), hidden_, x);  // the layer below, just stepped
      std::copy_n(h(layer_index, b), hidden_, x + inputs);
    }
    affine(x_.data(), beams, width_, layer.weights, layer_panels_[l], layer.bias, gates_.data(),
           gates);
    for (int b = 0; b < beams; ++b) {
      lstm_cell(&gates_[static_cast<std::size_t>(b) * gates], hidden_, h(layer_index, b),
                c(layer_index, b));
    }
  }
  // The heads read the top layer's new output (its rows are consecutive in h_), or with attention
  // that plus what it read of the context.
  const int top = static_cast<int>(model_.layers.size()) - 1;
  const float* heads_in = h(top, 0);
  if (model_.config.attention) {
    attend(beams);
    heads_in = attended_.data();
  }
  affine(heads_in, beams, hidden_, model_.head_weights, head_panels_, model_.head_bias, out_.data(),
         model_.outputs());
}

void PackedDecoder::reorder(std::span<const int> parents) {
  const int beams = static_cast<int>(parents.size());
  if (beams < 1 || beams > max_beams_) {
    throw std::invalid_argument("packed decoder: 1 to " + std::to_string(max_beams_) + " beams");
  }
  for (std::size_t l = 0; l < model_.layers.size(); ++l) {
    const int layer = static_cast<int>(l);
    for (int b = 0; b < beams; ++b) {
      const int from = parents[static_cast<std::size_t>(b)];
      if (from < 0 || from >= beams_) throw std::invalid_argument("packed decoder: no such beam");
      std::copy_n(h(layer, from), hidden_, &moved_h_[index(layer, b)]);
      std::copy_n(c(layer, from), hidden_, &moved_c_[index(layer, b)]);
    }
  }
  h_.swap(moved_h_);
  c_.swap(moved_c_);
  beams_ = beams;
}

std::span<const float> PackedDecoder::outputs(int beam) const {
  const auto n = static_cast<std::size_t>(model_.outputs());
  return {&out_[static_cast<std::size_t>(beam) * n], n};
}

std::span<const float> PackedDecoder::hidden_state(int layer, int beam) const {
  return {&h_[index(layer, beam)], static_cast<std::size_t>(hidden_)};
}

std::span<const float> PackedDecoder::cell_state(int layer, int beam) const {
  return {&c_[index(layer, beam)], static_cast<std::size_t>(hidden_)};
}

}  // namespace mlstm::fast
