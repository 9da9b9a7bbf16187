#pragma once
// The packed CPU decoder (decode/fast/packed_decoder.hpp) behind the one search's decoder
// interface (decode/note_decoder.hpp): the packed encoder reads the context of a seq2seq model, the
// packed decoder steps the beams. Torch-free; allocates nothing after construction.

#include <memory>
#include <span>
#include <vector>

#include "decode/fast/packed_decoder.hpp"
#include "decode/fast/packed_encoder.hpp"
#include "decode/note_decoder.hpp"

namespace mlstm::fast {

class PackedNoteDecoder final : public NoteDecoder {
 public:
  static constexpr int kMaxBeams = 64;  // at least the widest beam the settings allow (width)

  // `model` must outlive the decoder.
  explicit PackedNoteDecoder(const PackedModel& model);

  const ModelConfig& config() const override { return model_.config; }
  DecoderLayout layout() const override;
  int max_beams() const override { return kMaxBeams; }
  NoteFeatures start(std::span<const NoteFeatures> context) override;
  void step(std::span<const NoteFeatures> notes) override { decoder_.step(notes); }
  void reorder(std::span<const int> parents) override { decoder_.reorder(parents); }
  int beams() const override { return decoder_.beams(); }
  std::span<const float> outputs(int beam) const override { return decoder_.outputs(beam); }

 private:
  const PackedModel& model_;
  PackedDecoder decoder_;
  std::unique_ptr<PackedEncoder> encoder_;  // null for a next-note model
  std::vector<float> h_, c_;
};

}  // namespace mlstm::fast
