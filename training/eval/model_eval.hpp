#pragma once
// `music-lstm eval`: a model measured on a MAESTRO split, note by note and musically, into a JSON
// and a Markdown report with SVG plots (docs/MODELS.md explains each figure).
//
//  - likelihood: non-overlapping windows of the split (window_metrics.hpp);
//  - continuations: N prompts drawn from the split (the model's context, whose last 10 notes are
//    the prompt; a next-note model reads its 50), 50 notes composed after each and compared with
//    the 50 real notes that followed (music_metrics.hpp);
//  - repetition: a song of `song_notes` composed from each prompt (repetition.hpp);
//  - the listener's test: can a listener's figures tell the answers to real phrases from what a
//    pianist played next, in call and response and in continuous mode (listener_test.hpp)?

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "data/midi_folder.hpp"
#include "data/note_selection.hpp"
#include "decode/search_settings.hpp"
#include "maestro/maestro_index.hpp"

namespace mlstm {

struct EvalOptions {
  std::filesystem::path model;
  std::filesystem::path data;   // MAESTRO, or a folder of MIDI files
  DataSplitOptions data_split;  // a plain folder's split (as the model was trained with)
  NoteSelection selection;      // which notes of each file
  // The real music's durations as heard under the pedal; unset: as the model learnt them
  // (training.sustain_pedal), so that its duration figures compare like with like.
  std::optional<bool> sustain_pedal;
  std::filesystem::path cache_root;  // note caches
  std::filesystem::path out;         // report.json, report.md, *.svg go here
  Split split = Split::kTest;
  int prompts = 100;
  int song_notes = 600;
  // The listener's test: phrases (0: none), their notes, answers in each continuous chain.
  int listener_phrases = 200;
  int phrase_notes = 16;
  int chain_answers = 6;
  SearchSettings search;          // width, temperature, sampling of the continuations and songs
  std::int64_t max_windows = 0;   // likelihood windows, 0: all
  std::uint64_t prompt_seed = 1;  // which prompts
  std::string device = "auto";    // auto, cpu, cuda
  int cpu_threads = 1;
  // The continuations and songs on LibTorch's search even on the CPU, where the fast decoder
  // (decode/fast/, the jam's) runs them otherwise.
  bool libtorch_decoder = false;
  std::filesystem::path
      metrics_csv;  // training curves to plot; empty: metrics.csv beside the model
  bool progress = true;
};

// Runs everything and writes the reports (atomically). Returns the JSON report. Throws
// std::runtime_error (one line) for a missing dataset, a bad model file, a split with no
// performance long enough for a prompt.
nlohmann::json evaluate_model(const EvalOptions& options);

// The Markdown report of a JSON report.
std::string eval_markdown(const nlohmann::json& report);

}  // namespace mlstm
