#pragma once
// The two models of music-lstm (LibTorch).
//
// seq2seq (DESIGN.md): a pitch embedding joined with step and duration (and velocity) feeds a
// (bidirectional) LSTM encoder over the context notes; its outputs are max-pooled over time; two
// linear layers turn that into the decoder's initial h and c; an LSTM decoder, teacher-forced
// (start token first), emits one row of head outputs per target note.
//
// next_note (the first iteration, and the TensorFlow tutorial): one LSTM over the context notes;
// the heads read its last output and predict the next note.
//
// Heads: 128 pitch logits; step and duration as a scalar (regression) or class logits; velocity
// likewise when the configuration has it. Parameter names match the PyTorch model in
// tests/functional/reference_model.py, so weights move between them by name.

#include <torch/torch.h>

#include "model/model_config.hpp"

namespace mlstm {

// Notes as tensors: [batch, notes]. pitch is int64 0..127 (128 = start token); step and duration
// are seconds; velocity is 1..127 as float.
struct NoteTensors {
  torch::Tensor pitch, step, duration, velocity;

  NoteTensors slice(int64_t from, int64_t to) const;  // notes [from, to)
  NoteTensors to(const torch::Device& d) const;
  int64_t batch() const { return pitch.size(0); }
  int64_t length() const { return pitch.size(1); }
};

// The decoder's LSTM state: [layers, batch, hidden] each.
struct DecoderState {
  torch::Tensor h, c;
  DecoderState select(const torch::Tensor& rows) const {  // reorder or repeat batch rows
    return {h.index_select(1, rows), c.index_select(1, rows)};
  }
};

// Head outputs: [batch, notes, K] (K = 1 for a regression head). velocity is undefined when the
// model has no velocity head.
struct HeadOutputs {
  torch::Tensor pitch, step, duration, velocity;
};

class NoteModelImpl : public torch::nn::Module {
 public:
  explicit NoteModelImpl(const ModelConfig& config);

  // Teacher-forced pass over windows of context_notes + target_notes notes: outputs for the
  // target notes.
  HeadOutputs forward(const NoteTensors& window);

  const ModelConfig& config() const { return config_; }
  int64_t window_notes() const { return config_.context_notes + config_.target_notes; }

  // The parts, for decoding and tests.
  torch::Tensor embed(const NoteTensors& notes);  // [B, T, input features]
  std::tuple<torch::Tensor, torch::Tensor> encode(const NoteTensors& context);  // seq2seq: (h0, c0)
  HeadOutputs heads(const torch::Tensor& hidden);  // [B, T, H] -> outputs

  // Decoding. seq2seq: the state the decoder starts from for these context notes, after which it
  // reads the start token. next_note: zeros, after which it reads the context notes themselves.
  DecoderState start_decoding(const NoteTensors& context);
  // Runs the decoder over `inputs` ([B, T]: the start token, then notes) from `state`, updating
  // it; outputs for each input position: the prediction of the note after it. Called with one
  // note at a time, this is the incremental decoder: the prefix is never run again.
  HeadOutputs decode(const NoteTensors& inputs, DecoderState& state);

 private:
  ModelConfig config_;
  torch::nn::Embedding pitch_embedding_{nullptr};
  torch::nn::LSTM encoder_{nullptr}, decoder_{nullptr};
  torch::nn::Linear to_h_{nullptr}, to_c_{nullptr};
  torch::nn::Dropout summary_dropout_{nullptr};
  torch::nn::Linear pitch_head_{nullptr}, step_head_{nullptr}, duration_head_{nullptr},
      velocity_head_{nullptr};
};
TORCH_MODULE(NoteModel);

// A start-token note for each of `batch` rows.
NoteTensors start_tokens(int64_t batch, const torch::TensorOptions& float_options);

// Number of parameters.
int64_t parameter_count(torch::nn::Module& m);

}  // namespace mlstm
