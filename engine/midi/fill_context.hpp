#pragma once
// A context made as long as a model reads: the jam fills a player's short phrase this way, and
// `compose` a short prime, so that both give a model the same notes for the same phrase. And the
// context of a continuous chain's next part, which keeps the player's last notes.

#include <cstddef>
#include <span>
#include <vector>

#include "midi/note_features.hpp"

namespace mlstm {

// `context` made `notes` long for a model that reads that many: a short phrase (a player's three
// notes) is repeated from its start, as if played again, so the model sees the motif it answers.
// The repeats come first and the phrase itself last, as the newest notes; each repeat starts one
// mean step of the phrase after the last. Empty stays empty; a context as long or longer is
// returned as it is.
std::vector<NoteFeatures> fill_context(std::vector<NoteFeatures> context, std::size_t notes);

// The player's notes a continuous chain's every part reads (chain_context()).
inline constexpr std::size_t kChainAnchorNotes = 16;

// What the next part of a continuous chain reads: the newest `notes` of `player` (the notes the
// chain answers, oldest first) followed by `chain` (its parts so far), except that the player's
// last kChainAnchorNotes (at most half of `notes`) stay at its head. A chain that read only its
// own notes forgot the player after one answer, and wandered off from their register and key
// (docs/MODELS.md, "Figure recall, a register kept, a chain that remembers the player"). Shorter
// when both together are.
std::vector<NoteFeatures> chain_context(std::span<const NoteFeatures> player,
                                        std::span<const NoteFeatures> chain, std::size_t notes);

}  // namespace mlstm
