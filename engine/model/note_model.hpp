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
// With attention (ModelConfig::attention, seq2seq only): the encoder's output at each context note
// (directions x encoder_hidden) is projected once per context into a key and a value of the
// decoder's size (attention_key, no bias; attention_value, zero at the start); at each decoder
// step the softmax of the decoder output's dot products with the keys, scaled by
// 1/sqrt(decoder_hidden), weighs the values, and their sum is added to the decoder output the
// heads read.
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

// The decoder's LSTM state: [layers, batch, hidden] each; with attention, the projected memory
// of the context it attends to: [batch, context notes, hidden] each (undefined without).
struct DecoderState {
  torch::Tensor h, c;
  torch::Tensor keys, values;
  DecoderState select(const torch::Tensor& rows) const {  // reorder or repeat batch rows
    DecoderState s{h.index_select(1, rows), c.index_select(1, rows), keys, values};
    if (keys.defined()) {
      s.keys = keys.index_select(0, rows);
      s.values = values.index_select(0, rows);
    }
    return s;
  }
};

// The encoder's reading of a context: the decoder's first state, and its output at every note
// ([batch, notes, directions x encoder_hidden]).
struct Encoding {
  torch::Tensor h0, c0, outputs;
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
  torch::Tensor embed(const NoteTensors& notes);   // [B, T, input features]
  Encoding encode(const NoteTensors& context);     // seq2seq
  HeadOutputs heads(const torch::Tensor& hidden);  // [B, T, H] -> outputs
  // With attention: the decoder's outputs [B, T, H] plus what they read of the memory.
  torch::Tensor attend(const torch::Tensor& out, const DecoderState& state);

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
  torch::nn::Linear attention_key_{nullptr}, attention_value_{nullptr};
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
