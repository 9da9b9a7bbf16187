#pragma once
// What both searches (decode/beam_search.hpp and the fast one, decode/fast/fast_beam_search.hpp)
// refuse, with the same one-line errors.

#include <cstddef>

#include "decode/search_settings.hpp"
#include "model/model_config.hpp"

namespace mlstm {

// Throws DecodeError for settings out of range, or a context of fewer than the model's notes.
void check_search(const SearchSettings& s, const ModelConfig& m, std::size_t context_notes);

}  // namespace mlstm
