#include "decode/fast/packed_search.hpp"

#include <utility>

namespace mlstm::fast {

PackedSearch::PackedSearch(PackedModel model)
    : packed_(std::make_unique<PackedModel>(std::move(model))) {
  packed_->check();
  decoder_ = std::make_unique<PackedNoteDecoder>(*packed_);
  search_ = std::make_unique<NoteSearch>(*decoder_);
}

PackedSearch::~PackedSearch() = default;

SearchResult PackedSearch::operator()(std::span<const NoteFeatures> context,
                                      const SearchSettings& settings) {
  return (*search_)(context, settings);
}

long long PackedSearch::parameters() const {
  const PackedModel& m = *packed_;
  long long n =
      static_cast<long long>(m.embedding.size() + m.head_weights.size() + m.head_bias.size() +
                             m.to_h_weights.size() + m.to_h_bias.size() + m.to_c_weights.size() +
                             m.to_c_bias.size() + m.attention_key_weights.size() +
                             m.attention_value_weights.size() + m.attention_value_bias.size());
  for (const auto* layers : {&m.layers, &m.encoder_layers}) {
    for (const PackedLstmLayer& l : *layers) {
      n += static_cast<long long>(l.weights.size() + l.bias.size());
    }
  }
  return n;
}

}  // namespace mlstm::fast
