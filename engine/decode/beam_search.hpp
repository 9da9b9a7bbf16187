#pragma once
// Continuing a list of notes with a LibTorch model: the one search (decode/note_search.hpp) on
// the model's incremental decoder (decode/torch_note_decoder.hpp), on any device.
//
// The context is encoded once; then the decoder runs one note at a time, each beam carrying its
// own LSTM state, so a 50-note answer costs 50 single decoder steps (the original project re-ran
// the decoder over the whole prefix at every step). Each beam's notes (pitch, step, duration,
// velocity) and its state are reordered together when beams are selected.
//
// The search is over pitch and, where the model has class heads, over the step, duration and
// velocity classes: a candidate's log-probability is the sum of its heads' log-probabilities
// (they are independent given the decoder's output), after dividing the logits by the
// temperature. The best `width` candidates of that sum are found exactly by merging one head at
// a time, keeping the best `width` each time (any of the best `width` sums has its partial sum
// among the best `width` partial sums). Regression heads give one value, not searched.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "decode/search_settings.hpp"
#include "midi/note_features.hpp"
#include "model/note_model.hpp"

namespace mlstm {

// A song of any length: continue `prime` by `settings.length` notes at a time (each time from the
// last context_notes notes, prime or generated) until `total` notes are added. The seed moves on
// each time, so sampled chunks differ.
std::vector<NoteFeatures> continue_song(NoteModelImpl& model, std::span<const NoteFeatures> prime,
                                        int total, const SearchSettings& settings);

// The last model.config().context_notes notes of `context` are used; fewer is an error.
// Runs under NoGradGuard on the model's device. Throws DecodeError for bad settings, a short
// context, or a model that computes NaN or infinity.
SearchResult beam_search(NoteModelImpl& model, std::span<const NoteFeatures> context,
                         const SearchSettings& settings);

// NoteTensors [1, n] of these notes on `device`.
NoteTensors notes_to_tensors(std::span<const NoteFeatures> notes, const torch::Device& device);

}  // namespace mlstm
