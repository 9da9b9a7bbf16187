#pragma once
// Keeping to a register (issue 33): a pianist's continuation stays where the phrase was (the real
// music's mean pitch 4.4 semitones from the phrase's, its first 25 notes' mean 2.8 from its last
// 25's, at the median of 200 MAESTRO test phrases); the model's continuous chains drifted (7.6
// and 6.0). A pull on every note toward the phrase's register (tried) made the answers narrower
// than a pianist's two hands. Instead the search ends as before with `width` beams, and the
// answer is the one whose score, less SearchSettings::register_keep nats per semitone of
// register_cost(), is best: every note of it is still the model's, only the choice among the
// beams it found leans to the one that stays. Torch-free.

#include <span>

#include "midi/note_features.hpp"

namespace mlstm {

inline constexpr double kMaxRegisterKeep = 10.0;  // nats a semitone

// The mean pitch of the player's last kPaceNotes notes of `notes` (SearchSettings::
// player_register); 0 (unknown) when there are none.
double phrase_register(std::span<const NoteFeatures> notes);

// Semitones an answer moves in register: its first half's mean pitch against its second's, plus,
// with a known `player_register` (above 0), its mean pitch against that. Allocates nothing.
double register_cost(std::span<const NoteFeatures> answer, double player_register);

}  // namespace mlstm
