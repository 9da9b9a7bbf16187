#pragma once
// The LibTorch model behind the one search's decoder interface (decode/note_decoder.hpp), on any
// device: the encoder reads the context once, then the decoder runs one note at a time for every
// beam at once, each beam carrying its own LSTM state (the original project re-ran the decoder
// over the whole prefix at every step; `redecode_prefix` still does, as the reference the tests
// hold the incremental decoder to). Each step's outputs come to the host in one copy.

#include <span>
#include <vector>

#include "decode/note_decoder.hpp"
#include "model/note_model.hpp"

namespace mlstm {

class TorchNoteDecoder final : public NoteDecoder {
 public:
  // `model` must outlive the decoder; it runs under NoGradGuard in eval mode on its device.
  explicit TorchNoteDecoder(NoteModelImpl& model, bool redecode_prefix = false);

  const ModelConfig& config() const override { return model_.config(); }
  DecoderLayout layout() const override { return layout_; }
  int max_beams() const override { return 64; }
  NoteFeatures start(std::span<const NoteFeatures> context) override;
  void step(std::span<const NoteFeatures> notes) override;
  void reorder(std::span<const int> parents) override;
  int beams() const override { return beams_; }
  std::span<const float> outputs(int beam) const override;

 private:
  NoteModelImpl& model_;
  bool redecode_prefix_;
  torch::Device device_;
  DecoderLayout layout_;
  DecoderState state_, first_state_;
  NoteTensors prefix_;  // redecode_prefix: each beam's inputs so far (undefined: none yet)
  int beams_ = 0;
  torch::Tensor host_;  // [beams, outputs] on the CPU, float
};

}  // namespace mlstm
