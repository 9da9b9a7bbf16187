#pragma once
// A context made as long as a model reads: the jam fills a player's short phrase this way, and
// `compose` a short prime, so that both give a model the same notes for the same phrase.

#include <cstddef>
#include <vector>

#include "midi/note_features.hpp"

namespace mlstm {

// `context` made `notes` long for a model that reads that many: a short phrase (a player's three
// notes) is repeated from its start, as if played again, so the model sees the motif it answers.
// The repeats come first and the phrase itself last, as the newest notes; each repeat starts one
// mean step of the phrase after the last. Empty stays empty; a context as long or longer is
// returned as it is.
std::vector<NoteFeatures> fill_context(std::vector<NoteFeatures> context, std::size_t notes);

}  // namespace mlstm
