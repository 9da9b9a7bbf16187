#include "decode/answer_search.hpp"

#include "decode/beam_search.hpp"
#ifdef MUSIC_LSTM_FAST_DECODE
#include "decode/fast/pack_model.hpp"
#endif

namespace mlstm {

AnswerSearch::AnswerSearch(NoteModelImpl& model, bool want_fast) : model_(model) {
#ifdef MUSIC_LSTM_FAST_DECODE
  if (want_fast && model.parameters().front().device().is_cpu()) {
    fast_ = std::make_unique<fast::ModelSearch>(model);
  }
#else
  (void)want_fast;
#endif
}

AnswerSearch::~AnswerSearch() = default;

SearchResult AnswerSearch::operator()(std::span<const NoteFeatures> context,
                                      const SearchSettings& settings) {
#ifdef MUSIC_LSTM_FAST_DECODE
  if (fast_) return (*fast_)(context, settings);
#endif
  return beam_search(model_, context, settings);
}

}  // namespace mlstm
