#include "decode/fast/pack_model.hpp"

#include <stdexcept>
#include <string>

#include "decode/beam_search.hpp"
#include "decode/search_checks.hpp"

namespace mlstm::fast {
namespace {

torch::Tensor parameter(NoteModelImpl& model, const std::string& name) {
  for (const auto& p : model.named_parameters()) {
    if (p.key() == name) return p.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
  }
  throw std::invalid_argument("the model has no parameter '" + name + "'");
}

std::vector<float> values(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// One direction of one layer of a torch::nn::LSTM named `lstm` (decoder or encoder): PyTorch's
// [4H x in] and [4H x H] side by side, transposed: (in + H) x 4H, and the two biases summed.
PackedLstmLayer lstm_layer(NoteModelImpl& model, const std::string& lstm, const std::string& suffix,
                           int hidden) {
  const torch::Tensor w = torch::cat({parameter(model, lstm + ".weight_ih" + suffix),
                                      parameter(model, lstm + ".weight_hh" + suffix)},
                                     1);
  PackedLstmLayer layer;
  layer.inputs = static_cast<int>(w.size(1)) - hidden;
  layer.hidden = hidden;
  layer.weights = values(w.t().contiguous());
  layer.bias = values(parameter(model, lstm + ".bias_ih" + suffix) +
                      parameter(model, lstm + ".bias_hh" + suffix));
  return layer;
}

}  // namespace

PackedModel pack_model(NoteModelImpl& model) {
  torch::NoGradGuard no_grad;
  PackedModel p;
  p.config = model.config();
  const ModelConfig& m = p.config;
  p.embedding = values(parameter(model, "pitch_embedding.weight"));
  for (int l = 0; l < m.decoder_layers; ++l) {
    p.layers.push_back(lstm_layer(model, "decoder", "_l" + std::to_string(l), m.decoder_hidden));
  }
  std::vector<torch::Tensor> weights = {parameter(model, "pitch_head.weight"),
                                        parameter(model, "step_head.weight"),
                                        parameter(model, "duration_head.weight")};
  std::vector<torch::Tensor> biases = {parameter(model, "pitch_head.bias"),
                                       parameter(model, "step_head.bias"),
                                       parameter(model, "duration_head.bias")};
  if (m.velocity) {
    weights.push_back(parameter(model, "velocity_head.weight"));
    biases.push_back(parameter(model, "velocity_head.bias"));
  }
  p.step_outputs = static_cast<int>(weights[1].size(0));
  p.duration_outputs = static_cast<int>(weights[2].size(0));
  p.velocity_outputs = m.velocity ? static_cast<int>(weights[3].size(0)) : 0;
  p.head_weights = values(torch::cat(weights, 0).t().contiguous());  // H x outputs
  p.head_bias = values(torch::cat(biases, 0));
  if (m.kind == ModelKind::kSeq2Seq) {
    for (int l = 0; l < m.encoder_layers; ++l) {
      for (int d = 0; d < p.encoder_directions(); ++d) {
        const std::string suffix = "_l" + std::to_string(l) + (d == 1 ? "_reverse" : "");
        p.encoder_layers.push_back(lstm_layer(model, "encoder", suffix, m.encoder_hidden));
      }
    }
    p.to_h_weights = values(parameter(model, "to_h.weight").t().contiguous());
    p.to_h_bias = values(parameter(model, "to_h.bias"));
    p.to_c_weights = values(parameter(model, "to_c.weight").t().contiguous());
    p.to_c_bias = values(parameter(model, "to_c.bias"));
    if (m.attention) {
      p.attention_key_weights = values(parameter(model, "attention_key.weight").t().contiguous());
      p.attention_value_weights =
          values(parameter(model, "attention_value.weight").t().contiguous());
      p.attention_value_bias = values(parameter(model, "attention_value.bias"));
    }
  }
  p.check();
  return p;
}

void start_state(NoteModelImpl& model, std::span<const NoteFeatures> context, std::vector<float>& h,
                 std::vector<float>& c) {
  const ModelConfig& m = model.config();
  const auto size = static_cast<std::size_t>(m.decoder_layers) * m.decoder_hidden;
  if (m.kind == ModelKind::kNextNote) {
    h.assign(size, 0.0f);
    c.assign(size, 0.0f);
    return;
  }
  torch::NoGradGuard no_grad;
  model.eval();
  const torch::Device device = model.parameters().front().device();
  const DecoderState s = model.start_decoding(
      notes_to_tensors(context.last(static_cast<std::size_t>(m.context_notes)), device));
  // [layers, 1, hidden] each.
  h = values(s.h.to(torch::kCPU, torch::kFloat32).reshape({-1}));
  c = values(s.c.to(torch::kCPU, torch::kFloat32).reshape({-1}));
}

}  // namespace mlstm::fast
