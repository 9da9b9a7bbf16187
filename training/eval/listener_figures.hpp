#pragma once
// What a listener notices of a stretch of piano music (issue 33): how many pitches it uses and how
// widely, whether it stays in the register and the key of the phrase it answers, whether it moves
// by step or leap and turns often, whether it moves in chords, repeats notes and figures, how its
// rhythm, durations and touch go. The listener's test (listener_test.hpp) describes the model's
// answers and the real music that followed the same phrases by these figures and lets a classifier
// try to tell them apart.
//
// Every figure is at a listener's level, on the notes as heard: none reads the tokenizer's classes,
// so a classifier cannot learn the model's vocabulary instead of its music.

#include <span>
#include <string>
#include <vector>

#include "midi/note_features.hpp"

namespace mlstm {

struct ListenerFigureInfo {
  std::string key;    // "distinct_pitches": the JSON key
  std::string label;  // "distinct pitches": the report's words
};

// The figures' names, in the order listener_figures() returns them.
const std::vector<ListenerFigureInfo>& listener_figure_infos();

// The figures of `stretch` (notes in order, each step from the note before; the first note's own
// step is not read), heard after `phrase` (what it answers or follows; empty: the figures that
// compare with it are 0). A stretch of fewer than two notes has all figures 0.
std::vector<double> listener_figures(std::span<const NoteFeatures> stretch,
                                     std::span<const NoteFeatures> phrase);

}  // namespace mlstm
