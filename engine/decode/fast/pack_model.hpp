#pragma once
// A NoteModel's decoder, embedding and heads as a PackedModel (decode/fast/packed_decoder.hpp),
// and the start of decoding: the encoder runs once per answer in LibTorch, the steps after it on
// the packed arrays.

#include <memory>
#include <span>
#include <vector>

#include "decode/fast/fast_beam_search.hpp"
#include "decode/fast/packed_decoder.hpp"
#include "model/note_model.hpp"

namespace mlstm::fast {

// Copies the model's weights (on any device) into float arrays on the host.
PackedModel pack_model(NoteModelImpl& model);

// The decoder's first state for this context, [layers x hidden] each: a seq2seq model's encoder
// summary (LibTorch), zeros for a next-note model (its decoder then reads the context itself).
void start_state(NoteModelImpl& model, std::span<const NoteFeatures> context, std::vector<float>& h,
                 std::vector<float>& c);

// The fast path as one object: the model packed once, then for each answer the encoder in
// LibTorch and the search on the packed decoder. What beam_search() gives, faster on one CPU core.
class ModelSearch {
 public:
  // `model` must outlive this; its weights are copied now (a change to them later is not seen).
  explicit ModelSearch(NoteModelImpl& model);
  SearchResult operator()(std::span<const NoteFeatures> context, const SearchSettings& settings);

 private:
  NoteModelImpl& model_;
  std::unique_ptr<PackedModel> packed_;  // the search holds a reference: its address stays
  std::unique_ptr<FastBeamSearch> search_;
  std::vector<float> h_, c_;
};

}  // namespace mlstm::fast
