#pragma once
// The decoder of a model, packed for decoding on one CPU core: the fast path of the search
// (decode/fast/packed_note_decoder.hpp puts it under decode/note_search.hpp). Torch-free: plain
// arrays and one BLAS matrix product per LSTM layer and step, with no allocation after
// construction.
//
// Each layer's step for every beam at once is one product: [x | h] (beams x (inputs + hidden))
// times W ((inputs + hidden) x 4 hidden), W being PyTorch's weight_ih and weight_hh side by side,
// transposed, and the two biases summed; the gates in PyTorch's order (input, forget, cell,
// output). The heads (pitch, step, duration, velocity) are one product too, their weights side by
// side. With attention, the heads read the top layer's output plus the attention's read of the
// context: the keys and values are projected once per answer (attend_to()), and each step costs
// two products of context_notes x hidden per beam. The products run on weights packed once into
// panels (panel_product.hpp), or OpenBLAS's sgemv for one beam; the cell's tanh is a vectorized
// rational approximation. The outputs agree with NoteModel::decode within 1e-4
// (tests/unit/decode/test_fast_decoder.cpp).

#include <span>
#include <vector>

#include "decode/fast/packed_model.hpp"
#include "decode/fast/panel_product.hpp"
#include "decode/note_decoder.hpp"
#include "midi/note_features.hpp"
#include "model/model_config.hpp"

namespace mlstm::fast {

// The decoder's state for up to `max_beams` beams, and its step.
class PackedDecoder {
 public:
  PackedDecoder(const PackedModel& model, int max_beams);

  // One beam, from this state ([layers x hidden] each): a seq2seq model's encoder summary, or
  // zeros for a next-note model.
  void start(std::span<const float> h, std::span<const float> c);
  // A model with attention: the encoder's top-layer output at each of the context's
  // config.context_notes notes (row t at t * stride, directions x encoder_hidden values), projected
  // now into the keys and values every later step reads. Call after start(), before step().
  void attend_to(std::span<const float> encoder_outputs, int stride);
  // Every live beam reads one note (`notes[b]` for beam b; pitch kStartPitch is the start
  // token); `notes.size()` beams live from now on, at most max_beams, each continuing its own
  // state (reorder() first to continue another's). Computes the heads' outputs.
  void step(std::span<const NoteFeatures> notes);
  // Beam i continues from beam parents[i]'s state (parents.size() beams live from now on).
  void reorder(std::span<const int> parents);

  int beams() const { return beams_; }
  // Beam b's head outputs after the last step: PackedModel::outputs() values.
  std::span<const float> outputs(int beam) const;
  // Beam b's state of layer l (tests).
  std::span<const float> hidden_state(int layer, int beam) const;
  std::span<const float> cell_state(int layer, int beam) const;

 private:
  float* h(int layer, int beam) { return &h_[index(layer, beam)]; }
  float* c(int layer, int beam) { return &c_[index(layer, beam)]; }
  std::size_t index(int layer, int beam) const;
  void attend(int beams);  // attended_ for the live beams, from the top layer's new output

  const PackedModel& model_;
  int max_beams_, beams_ = 0, hidden_, width_;  // width_: the widest [x | h] row
  std::vector<float> h_, c_;                    // [layers][max_beams][hidden]
  std::vector<float> x_;      // [max_beams][width_]: [x | h] of the layer being stepped
  std::vector<float> gates_;  // [max_beams][4 hidden]
  std::vector<float> out_;    // [max_beams][outputs]
  // Attention: keys (scaled by 1/sqrt(hidden)) and values [context notes][hidden], a beam's
  // weights over the notes, and the heads' input [max_beams][hidden].
  std::vector<float> keys_, values_, weights_, attended_, no_bias_;
  Panels key_panels_, value_panels_;
  std::vector<float> moved_h_, moved_c_;  // reorder's copy
  std::vector<Panels> layer_panels_;      // each layer's weights as panels
  Panels head_panels_;
};

}  // namespace mlstm::fast
