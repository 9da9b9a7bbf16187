#pragma once
// Figure recall (issue 33): a pianist plays a figure again, as it was or a little changed, and a
// listener hears it; the model's answers almost never did (pitch 4-grams heard before in 50
// notes: 0 at the median, the real music's 0.02), and the repetition penalty that keeps beam
// search out of two-note loops taxes every repeat. Recall is the other side: where the last
// kRecallFigureNotes - 1 pitches (the context's, then the beam's own) were played before within
// the last kRecallWindow notes, the pitch that completed the figure there gains `recall` nats,
// once however often it came. The context holds the player's phrase (a continuous chain keeps
// its last notes, midi/fill_context.hpp's chain_context()), so answers recall the player's
// figures as well as their own. Torch-free: the search (decode/note_search.cpp) calls it for
// every beam at every note.

#include <cstddef>
#include <span>

namespace mlstm {

// The figure a recall completes (its first three pitches heard again bring back its fourth) and
// the notes looked back over: a phrase and an answer (16 + 32 notes). Three pitches match by
// chance rarely enough that recall changes what a scale run does little; two (tried: 2 nats on
// 200 validation phrases) narrowed the answers' range and stacked their chords again.
inline constexpr int kRecallFigureNotes = 4;
inline constexpr std::size_t kRecallWindow = 48;
inline constexpr double kMaxRecall = 10.0;  // nats

// Raises `pitch_log_probs` (128 values) by `recall` nats for each pitch that completed the
// figure `recent` (the last pitches before the next note, oldest first; the last kRecallWindow
// are read) ends with, wherever it occurred before. Allocates nothing.
void recall_figures(std::span<const int> recent, double recall, float* pitch_log_probs);

}  // namespace mlstm
