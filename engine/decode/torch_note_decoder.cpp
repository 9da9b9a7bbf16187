#include "decode/torch_note_decoder.hpp"

#include <string>

#include "decode/beam_search.hpp"
#include "model/feature_codec.hpp"

namespace mlstm {
namespace {

// The notes as one input step of every beam: [beams, 1] each.
NoteTensors input_step(std::span<const NoteFeatures> notes, const torch::Device& device) {
  const NoteTensors t = notes_to_tensors(notes, device);  // [1, beams]
  const auto n = static_cast<int64_t>(notes.size());
  return {t.pitch.view({n, 1}), t.step.view({n, 1}), t.duration.view({n, 1}),
          t.velocity.view({n, 1})};
}

NoteTensors select_rows(const NoteTensors& t, const torch::Tensor& rows) {
  return {t.pitch.index_select(0, rows), t.step.index_select(0, rows),
          t.duration.index_select(0, rows), t.velocity.index_select(0, rows)};
}

NoteTensors append(const NoteTensors& prefix, const NoteTensors& x) {
  if (!prefix.pitch.defined()) return x;
  return {torch::cat({prefix.pitch, x.pitch}, 1), torch::cat({prefix.step, x.step}, 1),
          torch::cat({prefix.duration, x.duration}, 1),
          torch::cat({prefix.velocity, x.velocity}, 1)};
}

}  // namespace

TorchNoteDecoder::TorchNoteDecoder(NoteModelImpl& model, bool redecode_prefix)
    : model_(model),
      redecode_prefix_(redecode_prefix),
      device_(model.parameters().front().device()) {
  const ModelConfig& m = model.config();
  const bool time_classes = m.time_head == HeadKind::kClasses;
  const int time_outputs = time_classes ? TimeBins(m).bins() : 1;
  layout_.step_outputs = time_outputs;
  layout_.duration_outputs = time_outputs;
  layout_.velocity_outputs =
      m.velocity ? (m.velocity_head == HeadKind::kClasses ? m.velocity_bins : 1) : 0;
}

NoteFeatures TorchNoteDecoder::start(std::span<const NoteFeatures> context) {
  torch::NoGradGuard no_grad;
  model_.eval();
  const ModelConfig& m = model_.config();
  const auto ctx = context.last(static_cast<std::size_t>(m.context_notes));
  state_ = model_.start_decoding(notes_to_tensors(ctx, device_));
  first_state_ = state_;
  prefix_ = {};
  beams_ = 1;
  if (m.kind == ModelKind::kSeq2Seq) return {kStartPitch, 0.0, 0.0, 0};
  // A next-note model reads the context itself: all but its last note now, that one first in the
  // search's loop.
  if (ctx.size() > 1) {
    const NoteTensors read = notes_to_tensors(ctx.first(ctx.size() - 1), device_);
    if (redecode_prefix_) {
      prefix_ = read;
    } else {
      model_.decode(read, state_);
    }
  }
  return ctx.back();
}

void TorchNoteDecoder::step(std::span<const NoteFeatures> notes) {
  torch::NoGradGuard no_grad;
  const NoteTensors input = input_step(notes, device_);
  beams_ = static_cast<int>(notes.size());
  HeadOutputs out;
  if (redecode_prefix_) {
    prefix_ = append(prefix_, input);
    DecoderState fresh = first_state_.select(
        torch::zeros({static_cast<int64_t>(beams_)}, torch::kInt64).to(device_));
    out = model_.decode(prefix_, fresh);
  } else {
    out = model_.decode(input, state_);
  }
  using torch::indexing::Slice;
  std::vector<torch::Tensor> heads = {out.pitch.index({Slice(), -1}), out.step.index({Slice(), -1}),
                                      out.duration.index({Slice(), -1})};
  if (model_.config().velocity) heads.push_back(out.velocity.index({Slice(), -1}));
  host_ = torch::cat(heads, -1).to(torch::kCPU, torch::kFloat32).contiguous();  // one copy
  if (host_.size(1) != layout_.outputs()) {
    throw DecodeError("the model's heads give " + std::to_string(host_.size(1)) +
                      " outputs where its configuration says " + std::to_string(layout_.outputs()));
  }
}

void TorchNoteDecoder::reorder(std::span<const int> parents) {
  auto rows = torch::empty({static_cast<int64_t>(parents.size())}, torch::kInt64);
  for (std::size_t i = 0; i < parents.size(); ++i) {
    rows[static_cast<int64_t>(i)] = static_cast<int64_t>(parents[i]);
  }
  rows = rows.to(device_);
  if (redecode_prefix_) {
    if (prefix_.pitch.defined()) prefix_ = select_rows(prefix_, rows);
  } else {
    state_ = state_.select(rows);
  }
  beams_ = static_cast<int>(parents.size());
}

std::span<const float> TorchNoteDecoder::outputs(int beam) const {
  const auto width = static_cast<std::size_t>(host_.size(1));
  return {host_.data_ptr<float>() + static_cast<std::size_t>(beam) * width, width};
}

}  // namespace mlstm
