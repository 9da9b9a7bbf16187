#include "model/note_model.hpp"

#include <cmath>

#include "model/feature_codec.hpp"

namespace mlstm {

NoteTensors NoteTensors::slice(int64_t from, int64_t to) const {
  using torch::indexing::Slice;
  return {pitch.index({Slice(), Slice(from, to)}), step.index({Slice(), Slice(from, to)}),
          duration.index({Slice(), Slice(from, to)}), velocity.index({Slice(), Slice(from, to)})};
}

NoteTensors NoteTensors::to(const torch::Device& d) const {
  return {pitch.to(d), step.to(d), duration.to(d), velocity.to(d)};
}

NoteTensors start_tokens(int64_t batch, const torch::TensorOptions& float_options) {
  return {torch::full({batch, 1}, kStartPitch, float_options.dtype(torch::kInt64)),
          torch::zeros({batch, 1}, float_options), torch::zeros({batch, 1}, float_options),
          torch::zeros({batch, 1}, float_options)};
}

int64_t parameter_count(torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

namespace {

int head_size(HeadKind kind, int bins) {
  return kind == HeadKind::kRegression ? 1 : bins;
}

}  // namespace

NoteModelImpl::NoteModelImpl(const ModelConfig& c) : config_(c) {
  const int64_t inputs = c.embedding + 2 + (c.velocity ? 1 : 0);
  pitch_embedding_ = register_module("pitch_embedding", torch::nn::Embedding(129, c.embedding));
  const int64_t out_hidden = c.decoder_hidden;
  if (c.kind == ModelKind::kSeq2Seq) {
    encoder_ = register_module("encoder",
                               torch::nn::LSTM(torch::nn::LSTMOptions(inputs, c.encoder_hidden)
                                                   .num_layers(c.encoder_layers)
                                                   .dropout(c.encoder_layers > 1 ? c.dropout : 0.0)
                                                   .bidirectional(c.bidirectional)
                                                   .batch_first(true)));
    const int64_t summary = c.encoder_hidden * (c.bidirectional ? 2 : 1);
    summary_dropout_ = register_module("summary_dropout", torch::nn::Dropout(c.dropout));
    to_h_ =
        register_module("to_h", torch::nn::Linear(summary, c.decoder_layers * c.decoder_hidden));
    to_c_ =
        register_module("to_c", torch::nn::Linear(summary, c.decoder_layers * c.decoder_hidden));
    if (c.attention) {
      attention_key_ = register_module(
          "attention_key",
          torch::nn::Linear(torch::nn::LinearOptions(summary, c.decoder_hidden).bias(false)));
      attention_value_ =
          register_module("attention_value", torch::nn::Linear(summary, c.decoder_hidden));
      // Zero: the attention adds nothing until training finds what it should read, and a model
      // fine-tuned from one without it starts with that model's outputs (the keys' gradient is
      // zero until the values move, then flows).
      torch::NoGradGuard no_grad;
      attention_value_->weight.zero_();
      attention_value_->bias.zero_();
    }
  }
  // The decoder of seq2seq, or the one LSTM stack of next-note.
  decoder_ = register_module("decoder",
                             torch::nn::LSTM(torch::nn::LSTMOptions(inputs, c.decoder_hidden)
                                                 .num_layers(c.decoder_layers)
                                                 .dropout(c.decoder_layers > 1 ? c.dropout : 0.0)
                                                 .batch_first(true)));
  // The heads read the decoder's output: the original sized step and duration from the encoder,
  // which only worked while both had the same size.
  pitch_head_ = register_module("pitch_head", torch::nn::Linear(out_hidden, 128));
  step_head_ = register_module("step_head",
                               torch::nn::Linear(out_hidden, head_size(c.time_head, c.time_bins)));
  duration_head_ = register_module(
      "duration_head", torch::nn::Linear(out_hidden, head_size(c.time_head, c.time_bins)));
  if (c.velocity) {
    velocity_head_ =
        register_module("velocity_head",
                        torch::nn::Linear(out_hidden, head_size(c.velocity_head, c.velocity_bins)));
  }
}

torch::Tensor NoteModelImpl::embed(const NoteTensors& n) {
  auto time_in = [&](const torch::Tensor& t) {
    auto x = t.clamp(0.0, config_.time_max);
    return config_.log_time_inputs ? (x + kLogTimeOffset).log() : x;
  };
  std::vector<torch::Tensor> parts = {pitch_embedding_(n.pitch), time_in(n.step).unsqueeze(-1),
                                      time_in(n.duration).unsqueeze(-1)};
  if (config_.velocity) parts.push_back((n.velocity / 127.0).unsqueeze(-1));
  return torch::cat(parts, -1);
}

Encoding NoteModelImpl::encode(const NoteTensors& context) {
  TORCH_CHECK(config_.kind == ModelKind::kSeq2Seq, "encode() is for seq2seq models");
  auto [out, unused_state] = encoder_(embed(context));
  auto summary = summary_dropout_(std::get<0>(out.max(1)));  // max-pool over time: [B, D*H]
  const int64_t b = summary.size(0);
  auto shape = [&](const torch::Tensor& x) {
    return x.view({b, config_.decoder_layers, config_.decoder_hidden}).transpose(0, 1).contiguous();
  };
  return {shape(to_h_(summary)), shape(to_c_(summary)), out};
}

torch::Tensor NoteModelImpl::attend(const torch::Tensor& out, const DecoderState& state) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(config_.decoder_hidden));
  const torch::Tensor weights =
      torch::softmax(torch::bmm(out, state.keys.transpose(1, 2)) * scale, -1);  // [B, T, notes]
  return out + torch::bmm(weights, state.values);
}

HeadOutputs NoteModelImpl::heads(const torch::Tensor& hidden) {
  HeadOutputs o{pitch_head_(hidden), step_head_(hidden), duration_head_(hidden), {}};
  if (velocity_head_) o.velocity = velocity_head_(hidden);
  return o;
}

DecoderState NoteModelImpl::start_decoding(const NoteTensors& context) {
  if (config_.kind == ModelKind::kNextNote) {
    // Its one LSTM starts from zeros and then reads the context itself (see decode()).
    auto z = torch::zeros({config_.decoder_layers, context.batch(), config_.decoder_hidden},
                          context.step.options());
    return {z, z.clone(), {}, {}};
  }
  Encoding e = encode(context);
  DecoderState s{e.h0, e.c0, {}, {}};
  if (config_.attention) {
    s.keys = attention_key_(e.outputs);
    s.values = attention_value_(e.outputs);
  }
  return s;
}

HeadOutputs NoteModelImpl::decode(const NoteTensors& inputs, DecoderState& state) {
  auto [out, hc] = decoder_(embed(inputs), std::make_tuple(state.h, state.c));
  state.h = std::get<0>(hc);
  state.c = std::get<1>(hc);
  return heads(config_.attention ? attend(out, state) : out);
}

HeadOutputs NoteModelImpl::forward(const NoteTensors& window) {
  const int64_t c = config_.context_notes;
  TORCH_CHECK(window.length() == window_notes(), "expected windows of ", window_notes(),
              " notes, got ", window.length());
  const NoteTensors context = window.slice(0, c);
  if (config_.kind == ModelKind::kNextNote) {
    auto [out, state] = decoder_(embed(context));
    using torch::indexing::Slice;
    return heads(out.index({Slice(), Slice(c - 1, c)}));
  }
  DecoderState state = start_decoding(context);
  // Teacher forcing: the decoder reads the start token, then each target note but the last.
  const NoteTensors start = start_tokens(window.batch(), window.step.options());
  const NoteTensors previous = window.slice(c, window_notes() - 1);
  const NoteTensors input{torch::cat({start.pitch, previous.pitch}, 1),
                          torch::cat({start.step, previous.step}, 1),
                          torch::cat({start.duration, previous.duration}, 1),
                          torch::cat({start.velocity, previous.velocity}, 1)};
  return decode(input, state);
}

}  // namespace mlstm
