#pragma once
// A seq2seq model's encoder on the packed arrays (decode/fast/packed_decoder.hpp): the context's
// notes through the (bidirectional) LSTM, the max over time, and to_h / to_c, giving the
// decoder's first state as NoteModel::start_decoding() does, without LibTorch's per-operation
// cost (its encoder was 3 ms of a 17 ms answer for 6 M multiply-adds). Torch-free, and no
// allocation after construction.
//
// Each layer and direction first multiplies every note's input at once (one panel product of
// context_notes rows), then runs the recurrence note by note (one matrix-vector product with the
// recurrent weights, OpenBLAS's sgemv).

#include <span>
#include <vector>

#include "decode/fast/packed_decoder.hpp"
#include "decode/fast/panel_product.hpp"

namespace mlstm::fast {

class PackedEncoder {
 public:
  // `model` (a seq2seq model) must outlive the encoder. Throws std::invalid_argument for a
  // next-note model, which has no encoder.
  explicit PackedEncoder(const PackedModel& model);

  // The decoder's first state for `context` (its last context_notes notes; fewer is an error):
  // h and c, [decoder layers x decoder hidden] each.
  void encode(std::span<const NoteFeatures> context, std::vector<float>& h, std::vector<float>& c);
  // The top layer's output at each note of the last encode(): row t at t * output_stride(),
  // directions x encoder_hidden values (what a model with attention attends to).
  std::span<const float> outputs() const { return in_; }
  int output_stride() const { return width_; }

 private:
  const PackedModel& model_;
  int notes_, hidden_, directions_, width_;  // width_: the widest input of a layer
  std::vector<Panels> input_panels_;         // each layer and direction: its input weights
  std::vector<float> in_, out_;              // [notes][width_]: a layer's input and output
  std::vector<float> projected_;             // [notes][4 hidden]: the inputs' share of the gates
  std::vector<float> gates_, h_, c_, summary_;
};

}  // namespace mlstm::fast
