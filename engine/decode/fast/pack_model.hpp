#pragma once
// A NoteModel's weights as a PackedModel (decode/fast/packed_decoder.hpp), and the fast path as
// one object: the encoder (decode/fast/packed_encoder.hpp) and the search on the packed arrays.

#include <memory>
#include <span>
#include <vector>

#include "decode/fast/packed_note_decoder.hpp"
#include "decode/note_search.hpp"
#include "model/note_model.hpp"

namespace mlstm::fast {

// Copies the model's weights (on any device) into float arrays on the host.
PackedModel pack_model(NoteModelImpl& model);

// The decoder's first state for this context, [layers x hidden] each, computed by LibTorch: a
// seq2seq model's encoder summary, zeros for a next-note model (its decoder then reads the
// context itself). The reference the packed encoder is held to (tests).
void start_state(NoteModelImpl& model, std::span<const NoteFeatures> context, std::vector<float>& h,
                 std::vector<float>& c);

// The fast path as one object: the model packed once, then for each answer the one search
// (decode/note_search.hpp) on the packed encoder and decoder. What beam_search() gives, faster on
// one CPU core; LibTorch is not called after construction.
class ModelSearch {
 public:
  // The model's weights are copied now (a change to them later is not seen).
  explicit ModelSearch(NoteModelImpl& model);
  SearchResult operator()(std::span<const NoteFeatures> context, const SearchSettings& settings);

 private:
  std::unique_ptr<PackedModel> packed_;  // the decoder holds a reference: its address stays
  std::unique_ptr<PackedNoteDecoder> decoder_;
  std::unique_ptr<NoteSearch> search_;
};

}  // namespace mlstm::fast
