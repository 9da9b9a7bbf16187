#pragma once
// What decoding needs of a model, as plain arrays: the fast decoder's input
// (decode/fast/packed_decoder.hpp, packed_encoder.hpp), filled from a NoteModel
// (decode/fast/pack_model.hpp, LibTorch) or read from an exported model file
// (model/exported_model.hpp, no LibTorch). Torch-free and BLAS-free.

#include <vector>

#include "decode/note_decoder.hpp"
#include "midi/note_features.hpp"
#include "model/model_config.hpp"

namespace mlstm::fast {

struct PackedLstmLayer {
  int inputs = 0, hidden = 0;
  std::vector<float> weights;  // row-major (inputs + hidden) x (4 hidden)
  std::vector<float> bias;     // 4 hidden: bias_ih + bias_hh
};

struct PackedModel {
  ModelConfig config;
  std::vector<float> embedding;  // 129 x config.embedding (row 128: the start token)
  std::vector<PackedLstmLayer> layers;
  // The heads' outputs side by side: 128 pitch logits, then step, duration and velocity (their
  // classes' logits, or one value for a regression head; velocity 0 wide without a velocity head).
  int step_outputs = 1, duration_outputs = 1, velocity_outputs = 0;
  std::vector<float> head_weights;  // row-major hidden x outputs()
  std::vector<float> head_bias;     // outputs()
  // A seq2seq model's encoder (decode/fast/packed_encoder.hpp): layer l's direction d at
  // l * directions + d (d 1: reading backwards), each [x | h] x 4 encoder_hidden as above; then
  // the max over time of the top layer's outputs (directions x encoder_hidden) becomes the
  // decoder's first state through to_h and to_c (summary x layers * decoder_hidden, row-major).
  std::vector<PackedLstmLayer> encoder_layers;
  std::vector<float> to_h_weights, to_h_bias, to_c_weights, to_c_bias;
  // With attention: the keys' and values' projections of the encoder's outputs, summary x hidden
  // (row-major: PyTorch's weights transposed); the keys have no bias.
  std::vector<float> attention_key_weights, attention_value_weights, attention_value_bias;

  static constexpr int kPitchOutputs = DecoderLayout::kPitchOutputs;
  int outputs() const { return kPitchOutputs + step_outputs + duration_outputs + velocity_outputs; }
  int input_features() const { return config.embedding + 2 + (config.velocity ? 1 : 0); }
  int hidden() const { return config.decoder_hidden; }
  int encoder_directions() const { return config.bidirectional ? 2 : 1; }
  // The first layer's input for one note (input_features() values), as NoteModel::embed() builds
  // it: the pitch's embedding, the step and duration (log-scaled where the model says), velocity.
  void embed(const NoteFeatures& note, float* x) const;
  // Throws std::invalid_argument when the arrays do not have the sizes the configuration gives.
  void check() const;
};

}  // namespace mlstm::fast
