#pragma once
// The search answers run on: the fast decoder (decode/fast/) for a model on the CPU, where it is
// built and wanted, else LibTorch's beam_search(). What `jam`, `compose` and `eval` share.

#include <memory>
#include <span>

#include "decode/search_settings.hpp"
#include "midi/note_features.hpp"
#include "model/note_model.hpp"

namespace mlstm {
namespace fast {
class ModelSearch;
}

class AnswerSearch {
 public:
  // `model` must outlive this. `want_fast`: the fast decoder when the model is on the CPU and
  // the fast decoder is built. Throws std::invalid_argument for a model it cannot pack.
  AnswerSearch(NoteModelImpl& model, bool want_fast);
  ~AnswerSearch();
  SearchResult operator()(std::span<const NoteFeatures> context, const SearchSettings& settings);
  bool fast() const { return fast_ != nullptr; }

 private:
  NoteModelImpl& model_;
  std::unique_ptr<fast::ModelSearch> fast_;  // null: LibTorch's search
};

}  // namespace mlstm
