#include "eval/listener_test.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>

#include "decode/onset_limits.hpp"
#include "decode/register_keep.hpp"
#include "eval/listener_classifier.hpp"
#include "eval/listener_figures.hpp"
#include "eval/playability_figures.hpp"
#include "midi/fill_context.hpp"

namespace mlstm {
namespace {

using json = nlohmann::json;

// One mode's samples: the answers against the real music, and the control.
struct ModeSamples {
  std::vector<LabelledFigures> test, control;
  PlayabilityFigures model, real;

  // Phrase `group`'s answer and the real music after it (both heard after `phrase`); the real
  // music after the same performance's other phrase `twin`, for the control.
  void add(int group, std::span<const NoteFeatures> phrase, std::span<const NoteFeatures> answer,
           std::span<const NoteFeatures> real_after, std::span<const NoteFeatures> twin,
           std::span<const NoteFeatures> twin_after) {
    const std::vector<double> real_figures = listener_figures(real_after, phrase);
    test.push_back({listener_figures(answer, phrase), 1, group});
    test.push_back({real_figures, 0, group});
    control.push_back({real_figures, 0, group});
    control.push_back({listener_figures(twin_after, twin), 1, group});
    model.add(answer);
    real.add(real_after);
  }
};

json separability_json(const Separability& s) {
  return {{"accuracy", s.accuracy()},
          {"logistic_accuracy", s.logistic_accuracy},
          {"boosted_accuracy", s.boosted_accuracy},
          {"samples", s.samples}};
}

json mode_json(const ModeSamples& m, int folds, std::uint64_t seed) {
  const Separability test = separate(m.test, folds, seed);
  const Separability control = separate(m.control, folds, seed);
  json out = separability_json(test);
  out["control"] = separability_json(control);
  json figures = json::array();
  const auto& infos = listener_figure_infos();
  for (const FigureSeparation& f : test.figures) {
    figures.push_back({{"key", infos[f.figure].key},
                       {"label", infos[f.figure].label},
                       {"auc", f.auc},
                       {"median_model", f.median_label1},
                       {"median_real", f.median_label0}});
  }
  out["figures"] = figures;
  out["playability"] = {{"model", m.model.to_json()}, {"real", m.real.to_json()}};
  return out;
}

// The notes a phrase, its real music and its chain take in a performance.
std::size_t notes_a_place(const ListenerTestOptions& o) {
  return static_cast<std::size_t>(o.phrase_notes) +
         static_cast<std::size_t>(o.answer_notes) *
             static_cast<std::size_t>(std::max(1, o.chain_answers));
}

std::vector<std::size_t> long_enough(const std::vector<std::vector<NoteFeatures>>& performances,
                                     const ListenerTestOptions& o) {
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < performances.size(); ++i) {
    if (performances[i].size() >= 2 * notes_a_place(o)) usable.push_back(i);
  }
  return usable;
}

// Where a phrase and the music after it start in a performance of `size` notes, `need` notes in
// all, and where the control's second phrase starts, not overlapping the first. The size must be
// at least 2 * need.
std::pair<std::size_t, std::size_t> two_places(std::size_t size, std::size_t need,
                                               std::mt19937_64& rng) {
  const std::size_t last = size - need;  // the last start
  for (;;) {
    const std::size_t a = rng() % (last + 1);
    // The starts that do not overlap [a, a + need): [0, a - need] and [a + need, last]. A first
    // start in the middle of a short performance leaves none: draw again (a start at 0 or at the
    // last always leaves some).
    const std::size_t below = a >= need ? a - need + 1 : 0;
    const std::size_t above = a + need <= last ? last - (a + need) + 1 : 0;
    if (below + above == 0) continue;
    const std::size_t pick = rng() % (below + above);
    return {a, pick < below ? pick : a + need + (pick - below)};
  }
}

}  // namespace

const std::vector<std::string>& listener_table_figures() {
  static const std::vector<std::string> keys = {
      "distinct_pitches", "pitch_range",       "register_drift", "pitch_class_focus",
      "step_motion",      "direction_changes", "chord_onsets"};
  return keys;
}

std::string listener_test_unfit(const std::vector<std::vector<NoteFeatures>>& performances,
                                const ListenerTestOptions& o) {
  if (o.phrases < o.folds) {
    return "the listener's test needs at least " + std::to_string(o.folds) +
           " phrases (one a fold)";
  }
  if (long_enough(performances, o).empty()) {
    const std::size_t need = notes_a_place(o);
    return "no performance has the " + std::to_string(2 * need) +
           " notes the listener's test needs (two phrases of " + std::to_string(o.phrase_notes) +
           " notes and " + std::to_string(need - static_cast<std::size_t>(o.phrase_notes)) +
           " real notes after each; fewer --chain-answers need fewer)";
  }
  return {};
}

json listener_test(const std::vector<std::vector<NoteFeatures>>& performances,
                   const ListenerSearch& search, const ListenerTestOptions& o,
                   const std::function<void(int, int)>& progress) {
  if (const std::string why = listener_test_unfit(performances, o); !why.empty()) {
    throw std::runtime_error(why);
  }
  const std::size_t answer = static_cast<std::size_t>(o.answer_notes);
  const std::size_t phrase_notes = static_cast<std::size_t>(o.phrase_notes);
  const std::size_t need = notes_a_place(o), chain = need - phrase_notes;
  const std::vector<std::size_t> usable = long_enough(performances, o);
  std::mt19937_64 rng(o.seed);
  ModeSamples call, continuous;
  SearchSettings settings = o.search;
  settings.length = o.answer_notes;
  for (int k = 0; k < o.phrases; ++k) {
    const std::vector<NoteFeatures>& notes = performances[usable[rng() % usable.size()]];
    const auto places = two_places(notes.size(), need, rng);
    const auto at = [&](std::size_t from, std::size_t count) {
      const auto begin = notes.begin() + static_cast<std::ptrdiff_t>(from);
      return std::vector<NoteFeatures>(begin, begin + static_cast<std::ptrdiff_t>(count));
    };
    const std::vector<NoteFeatures> phrase = at(places.first, phrase_notes);
    const std::vector<NoteFeatures> after = at(places.first + phrase_notes, chain);
    const std::vector<NoteFeatures> twin = at(places.second, phrase_notes);
    const std::vector<NoteFeatures> twin_after = at(places.second + phrase_notes, chain);
    const std::vector<NoteFeatures> context =
        fill_context(phrase, static_cast<std::size_t>(o.context_notes));

    // Call and response: one answer to the phrase, whose pace the answers keep to where the
    // settings tie them to the player's (the chain below too; the phrase is the player's last
    // kPaceNotes notes as the jam reads them).
    settings.seed = o.search.seed + static_cast<std::uint64_t>(k);
    settings.player_pace = phrase_pace(phrase);
    settings.player_register = phrase_register(phrase);
    const std::vector<NoteFeatures> reply = search(context, settings);
    call.add(k, phrase, reply, std::span(after).first(answer), twin,
             std::span(twin_after).first(answer));

    // Continuous: the chain goes on from the answer as the jam's does (each part from its newest
    // notes and the phrase's last ones), its seed the next.
    std::vector<NoteFeatures> chained = reply;
    SearchSettings next = settings;
    ++next.seed;
    extend_chain(
        [&](std::span<const NoteFeatures> so_far, const SearchSettings& s) {
          return SearchResult{search(so_far, s), 0.0};
        },
        context, chained, static_cast<int>(chain - answer), next,
        static_cast<std::size_t>(o.context_notes));
    for (std::size_t j = 0; j + answer <= chain; j += answer) {
      continuous.add(k, phrase, std::span(chained).subspan(j, answer),
                     std::span(after).subspan(j, answer), twin,
                     std::span(twin_after).subspan(j, answer));
    }
    if (progress) progress(k + 1, o.phrases);
  }
  const std::uint64_t fold_seed = o.seed + 7;
  return {{"phrases", o.phrases},
          {"phrase_notes", o.phrase_notes},
          {"context_notes", o.context_notes},
          {"answer_notes", o.answer_notes},
          {"chain_answers", o.chain_answers},
          {"folds", o.folds},
          {"call_and_response", mode_json(call, o.folds, fold_seed)},
          {"continuous", mode_json(continuous, o.folds, fold_seed)}};
}

}  // namespace mlstm
