#pragma once
// The listener's test (issue 33): can a listener's figures (listener_figures.hpp) tell the
// model's answers from what a pianist really played next?
//
// Phrases of `phrase_notes` notes are cut from performances the model never trained on and given
// to the search as the jam gives it a player's phrase (filled to the model's context,
// midi/fill_context.hpp). Then, by the cross-validated classifiers of listener_classifier.hpp:
//  - call and response: each 50-note answer against the 50 notes that really followed its phrase;
//  - continuous: each answer of a chain of `chain_answers` (each continuing the notes so far, as
//    the jam's continuous mode chains them) against the real 50 notes at the same place after
//    the phrase;
//  - the control, for each: the real music after each phrase against the real music after a
//    second phrase of the same performance. It must sit near 50 %: if it does not, the figures or
//    the folds leak, and no accuracy beside it means anything.
// Each kind is described beside its phrase, so that figures such as the register against the
// phrase's can see an answer drift away from the player.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "decode/search_settings.hpp"
#include "midi/note_features.hpp"

namespace mlstm {

struct ListenerTestOptions {
  int phrases = 200;
  int phrase_notes = 16;
  int context_notes = 32;  // what the model reads: a shorter phrase is filled to it
  int answer_notes = 50;
  int chain_answers = 6;   // continuous mode: answers in each chain
  std::uint64_t seed = 1;  // which phrases
  int folds = 5;
  SearchSettings search;  // the answers' (its length is answer_notes; its seed moves per phrase)
};

// The answer to `context` under `settings` (the jam's search in eval; anything in the tests).
using ListenerSearch =
    std::function<std::vector<NoteFeatures>(std::span<const NoteFeatures>, const SearchSettings&)>;

// Runs the test. `progress(done, total)` after each phrase (may be empty). Throws
// std::runtime_error with listener_test_unfit()'s reason when it cannot run.
// The JSON: {phrases, phrase_notes, context_notes, answer_notes, chain_answers, folds,
//   call_and_response: {accuracy, logistic_accuracy, boosted_accuracy, samples,
//                       control: {accuracy, logistic_accuracy, boosted_accuracy, samples},
//                       figures: [{key, label, auc, median_model, median_real}...] (the most
//                       separating first; auc > 0.5: the figure is higher in the answers),
//                       playability: {model, real} (playability_figures.hpp)},
//   continuous: {...the same}}.
nlohmann::json listener_test(const std::vector<std::vector<NoteFeatures>>& performances,
                             const ListenerSearch& search, const ListenerTestOptions& options,
                             const std::function<void(int, int)>& progress = {});

// Why the test cannot run on these performances with these options (no performance long enough
// for two phrases and their chains, fewer phrases than folds); empty when it can.
std::string listener_test_unfit(const std::vector<std::vector<NoteFeatures>>& performances,
                                const ListenerTestOptions& options);

// The figures of issue 33's table, whose medians the closing notes compare: their keys.
const std::vector<std::string>& listener_table_figures();

}  // namespace mlstm
