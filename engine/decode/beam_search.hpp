#pragma once
// Continuing a list of notes with a model: greedy decoding and beam search.
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

#include "midi/note_features.hpp"
#include "model/note_model.hpp"

namespace mlstm {

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How the next notes are chosen.
//  kBeam: the `width` most likely continuations (width 1 is greedy decoding).
//  kStochasticBeam: Gumbel-top-k stochastic beam search (Kool, van Hoof and Welling, 2019):
//    `width` continuations drawn without replacement, so temperature matters even when the beam
//    is wide. Here it draws among the candidates a beam of that width would consider (each head's
//    `width` most likely classes), not among every class.
//  kSample: one continuation, each head sampled from its softmax after temperature, top-k and
//    top-p (nucleus) filtering.
enum class Sampling { kBeam, kStochasticBeam, kSample };

struct SearchSettings {
  Sampling sampling = Sampling::kBeam;
  int width = 8;                       // 1: greedy
  double temperature = 1.0;            // > 0: divides every head's logits
  int length = 50;                     // notes to add
  int min_pitch = 0, max_pitch = 127;  // the pitches the answer may use
  double min_duration = 0.02;          // seconds: no note is shorter (a note must sound)
  int top_k = 0;                       // kSample: keep this many classes per head; 0: all
  double top_p = 1.0;                  // kSample: keep the smallest set with this much probability
  std::uint64_t seed = 0;              // kStochasticBeam and kSample: the same seed, the same notes
  // The reference algorithm of the original project, for tests and benchmarks: re-run the decoder
  // over each beam's whole prefix at every step instead of carrying its state.
  bool redecode_prefix = false;
};

struct SearchResult {
  std::vector<NoteFeatures> notes;  // the continuation, `length` notes
  double log_prob = 0.0;            // of the chosen notes' classes, at the given temperature
};

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
