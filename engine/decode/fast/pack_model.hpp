#pragma once
// A NoteModel's weights as a PackedModel (decode/fast/packed_decoder.hpp), and the fast path as
// one object: the encoder (decode/fast/packed_encoder.hpp) and the search on the packed arrays.

#include <memory>
#include <span>
#include <vector>

#include "decode/fast/packed_search.hpp"
#include "model/note_model.hpp"

namespace mlstm::fast {

// Copies the model's weights (on any device) into float arrays on the host.
PackedModel pack_model(NoteModelImpl& model);

// The decoder's first state for this context, [layers x hidden] each, computed by LibTorch: a
// seq2seq model's encoder summary, zeros for a next-note model (its decoder then reads the
// context itself). The reference the packed encoder is held to (tests).
void start_state(NoteModelImpl& model, std::span<const NoteFeatures> context, std::vector<float>& h,
                 std::vector<float>& c);

// The fast path for a NoteModel: its weights packed now (a change to them later is not seen),
// then for each answer the one search on the packed encoder and decoder (PackedSearch). What
// beam_search() gives, faster on one CPU core; LibTorch is not called after construction.
class ModelSearch : public PackedSearch {
 public:
  explicit ModelSearch(NoteModelImpl& model) : PackedSearch(pack_model(model)) {}
};

}  // namespace mlstm::fast
