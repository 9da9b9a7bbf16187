#pragma once
// Loop control that does not tax what music does (issue 33). The repetition penalty
// (SearchSettings::repetition_penalty) lowers every pitch by how often it sounded lately: it keeps
// beam search out of two-note loops, but it taxes what a pianist does all the time (a repeated
// note, a chord's notes again, a figure played twice), so the answers run up and down in scales
// across the keyboard instead. These rules penalise the repeat of a figure, not of a pitch:
//   - a pitch n-gram (SearchSettings::loop_ngram notes): the pitch that would play the last n-1
//     pitches' continuation again, as it came after them before in the last notes;
//   - an interval figure (three intervals, in any transposition): the pitch that would go on as
//     the last two intervals went on before. A scale run repeats its intervals (2, 2, 1, 2...), a
//     loop its pitches and intervals; a melody that turns and a chord that changes do neither.
// Each earlier occurrence costs its penalty once more, so a figure repeated often costs more, and
// one played once costs a little. Torch-free: the search (decode/note_search.cpp) calls it for
// every beam at every note.

#include <span>

#include "decode/search_settings.hpp"

namespace mlstm {

// Lowers `pitch_log_probs` (128 values) by the settings' loop and figure penalties for the
// figures of `recent` (the last pitches before the next note, oldest first: the context's, then
// the beam's own; at most SearchSettings::repetition_window of them). Allocates nothing.
void penalise_repeated_figures(std::span<const int> recent, const SearchSettings& settings,
                               float* pitch_log_probs);

// Whether either rule is on.
inline bool controls_loops(const SearchSettings& s) {
  return (s.loop_ngram >= 2 && s.loop_penalty > 0.0) || s.figure_penalty > 0.0;
}

}  // namespace mlstm
