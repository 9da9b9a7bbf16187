#include "decode/fast/packed_note_decoder.hpp"

#include "model/feature_codec.hpp"

namespace mlstm::fast {

PackedNoteDecoder::PackedNoteDecoder(const PackedModel& model)
    : model_(model), decoder_(model, kMaxBeams) {
  if (model.config.kind == ModelKind::kSeq2Seq) encoder_ = std::make_unique<PackedEncoder>(model);
  const auto size = static_cast<std::size_t>(model.config.decoder_layers) * model.hidden();
  h_.reserve(size);
  c_.reserve(size);
}

DecoderLayout PackedNoteDecoder::layout() const {
  return {model_.step_outputs, model_.duration_outputs, model_.velocity_outputs};
}

NoteFeatures PackedNoteDecoder::start(std::span<const NoteFeatures> context) {
  const auto ctx = context.last(static_cast<std::size_t>(model_.config.context_notes));
  if (encoder_) {
    encoder_->encode(ctx, h_, c_);
    decoder_.start(h_, c_);
    if (model_.config.attention) decoder_.attend_to(encoder_->outputs(), encoder_->output_stride());
    return {kStartPitch, 0.0, 0.0, 0};
  }
  // A next-note model's LSTM starts from zeros and reads the context itself, its last note first
  // in the search's loop.
  const auto size = static_cast<std::size_t>(model_.config.decoder_layers) * model_.hidden();
  h_.assign(size, 0.0f);
  c_.assign(size, 0.0f);
  decoder_.start(h_, c_);
  for (std::size_t i = 0; i + 1 < ctx.size(); ++i) decoder_.step(ctx.subspan(i, 1));
  return ctx.back();
}

}  // namespace mlstm::fast
