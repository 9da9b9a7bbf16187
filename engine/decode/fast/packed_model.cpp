#include "decode/fast/packed_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "model/feature_codec.hpp"

namespace mlstm::fast {
namespace {

void expect_size(const std::vector<float>& v, std::size_t n, const std::string& what) {
  if (v.size() != n) {
    throw std::invalid_argument("packed model: " + what + " has " + std::to_string(v.size()) +
                                " values, expected " + std::to_string(n));
  }
}

}  // namespace

void PackedModel::check() const {
  const auto e = static_cast<std::size_t>(config.embedding);
  expect_size(embedding, 129 * e, "the pitch embedding");
  if (static_cast<int>(layers.size()) != config.decoder_layers) {
    throw std::invalid_argument("packed model: " + std::to_string(layers.size()) +
                                " decoder layers, expected " +
                                std::to_string(config.decoder_layers));
  }
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const PackedLstmLayer& layer = layers[l];
    const int inputs = l == 0 ? input_features() : hidden();
    if (layer.inputs != inputs || layer.hidden != hidden()) {
      throw std::invalid_argument("packed model: decoder layer " + std::to_string(l) +
                                  " has the wrong shape");
    }
    const auto gates = static_cast<std::size_t>(4 * hidden());
    expect_size(layer.weights, static_cast<std::size_t>(inputs + hidden()) * gates,
                "decoder layer " + std::to_string(l));
    expect_size(layer.bias, gates, "decoder layer " + std::to_string(l) + "'s bias");
  }
  expect_size(head_weights, static_cast<std::size_t>(hidden()) * outputs(), "the heads");
  expect_size(head_bias, static_cast<std::size_t>(outputs()), "the heads' bias");
  if (config.kind != ModelKind::kSeq2Seq) return;
  const int dirs = encoder_directions(), eh = config.encoder_hidden;
  if (static_cast<int>(encoder_layers.size()) != config.encoder_layers * dirs) {
    throw std::invalid_argument("packed model: " + std::to_string(encoder_layers.size()) +
                                " encoder layers and directions, expected " +
                                std::to_string(config.encoder_layers * dirs));
  }
  for (std::size_t i = 0; i < encoder_layers.size(); ++i) {
    const PackedLstmLayer& layer = encoder_layers[i];
    const int inputs = i < static_cast<std::size_t>(dirs) ? input_features() : dirs * eh;
    if (layer.inputs != inputs || layer.hidden != eh) {
      throw std::invalid_argument("packed model: encoder layer " + std::to_string(i) +
                                  " has the wrong shape");
    }
    expect_size(layer.weights, static_cast<std::size_t>(inputs + eh) * 4 * eh,
                "encoder layer " + std::to_string(i));
    expect_size(layer.bias, static_cast<std::size_t>(4 * eh),
                "encoder layer " + std::to_string(i) + "'s bias");
  }
  const auto summary = static_cast<std::size_t>(dirs * eh);
  const auto states = static_cast<std::size_t>(config.decoder_layers) * hidden();
  expect_size(to_h_weights, summary * states, "to_h");
  expect_size(to_c_weights, summary * states, "to_c");
  expect_size(to_h_bias, states, "to_h's bias");
  expect_size(to_c_bias, states, "to_c's bias");
  if (!config.attention) return;
  const auto h = static_cast<std::size_t>(hidden());
  expect_size(attention_key_weights, summary * h, "the attention's keys");
  expect_size(attention_value_weights, summary * h, "the attention's values");
  expect_size(attention_value_bias, h, "the attention values' bias");
}

void PackedModel::embed(const NoteFeatures& n, float* x) const {
  const ModelConfig& m = config;
  const auto time_in = [&](double t) {
    const double v = std::clamp(t, 0.0, m.time_max);
    return static_cast<float>(m.log_time_inputs ? std::log(v + kLogTimeOffset) : v);
  };
  const int pitch = std::clamp(n.pitch, 0, kStartPitch);
  std::copy_n(&embedding[static_cast<std::size_t>(pitch) * m.embedding], m.embedding, x);
  x[m.embedding] = time_in(n.step);
  x[m.embedding + 1] = time_in(n.duration);
  if (m.velocity) x[m.embedding + 2] = static_cast<float>(n.velocity / 127.0);
}

}  // namespace mlstm::fast
