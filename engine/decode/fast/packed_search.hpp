#pragma once
// The fast path as one object, torch-free: a packed model (decode/fast/packed_model.hpp: packed
// from a NoteModel by decode/fast/pack_model.hpp, or read from an exported model,
// model/exported_model.hpp), its encoder and decoder, and the one search (decode/note_search.hpp)
// on them. What a host with no LibTorch (the plugin) answers with.

#include <memory>
#include <span>

#include "decode/fast/packed_model.hpp"
#include "decode/fast/packed_note_decoder.hpp"
#include "decode/note_search.hpp"

namespace mlstm::fast {

class PackedSearch {
 public:
  // Takes the model. Throws std::invalid_argument for arrays that do not fit its configuration.
  explicit PackedSearch(PackedModel model);
  PackedSearch(const PackedSearch&) = delete;
  PackedSearch& operator=(const PackedSearch&) = delete;
  virtual ~PackedSearch();

  // The next settings.length notes after `context` (its last context_notes are read). Throws
  // DecodeError for bad settings or a short context.
  SearchResult operator()(std::span<const NoteFeatures> context, const SearchSettings& settings);
  const PackedModel& model() const { return *packed_; }
  // The model's weights and biases, counted.
  long long parameters() const;

 private:
  std::unique_ptr<PackedModel> packed_;  // the decoder holds a reference: its address stays
  std::unique_ptr<PackedNoteDecoder> decoder_;
  std::unique_ptr<NoteSearch> search_;
};

}  // namespace mlstm::fast
