#pragma once
// What the search (decode/note_search.hpp, on any decoder) refuses, in one line each.

#include <cstddef>

#include "decode/search_settings.hpp"
#include "model/model_config.hpp"

namespace mlstm {

// Throws DecodeError for settings out of range, or a context of fewer than the model's notes.
void check_search(const SearchSettings& s, const ModelConfig& m, std::size_t context_notes);

}  // namespace mlstm
