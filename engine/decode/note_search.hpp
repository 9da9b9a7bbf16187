#pragma once
// The one search (issue 33): beam search, stochastic beam search and sampling over any
// incremental decoder (decode/note_decoder.hpp), with every rule of decoding written once here:
// the temperature and the timing temperature, top-k and top-p, drawn timing, the repetition
// penalty, the pitch range and scale lock (the pitch mask), the playability limits, the same
// draws for the same seed (decode/draws.hpp). `beam_search()` runs it on the LibTorch model,
// the fast path (decode/fast/pack_model.hpp) on the packed CPU decoder; the tests hold the two
// to the same notes (tests/unit/decode/test_fast_decoder.cpp, functional_fast_search_equality).
//
// Its arrays are kept between answers and never shrunk: once an answer of a width and length
// has been searched, the loop over notes allocates nothing of its own (a decoder may: the
// LibTorch one does, the packed one does not).
//
// Threads: one search is used by one thread at a time [search thread].
#include <array>
#include <span>
#include <vector>

#include "decode/draws.hpp"
#include "decode/note_decoder.hpp"
#include "decode/onset_limits.hpp"
#include "decode/search_settings.hpp"

namespace mlstm {

class NoteSearch {
 public:
  // `decoder` must outlive the search.
  explicit NoteSearch(NoteDecoder& decoder);
  // Continues `context` (the decoder's model reads its last context_notes notes) by
  // settings.length notes. Throws DecodeError for settings out of range (search_checks.hpp), a
  // context shorter than the model reads, or a model that computes NaN or infinity.
  SearchResult operator()(std::span<const NoteFeatures> context, const SearchSettings& settings);

 private:
  // One candidate of a beam: its summed log-probability and the class of each searched head.
  struct Candidate {
    float score = 0;
    int classes[4] = {0, 0, 0, 0};
  };
  // Merges one more head into beam b's candidates (add_head in beam_search.cpp).
  void add_head(std::vector<Candidate>& candidates, std::span<const float> log_probs, int width,
                int head);

  // A class head: where its outputs start, how many there are, its temperature.
  struct HeadSpan {
    int head, offset, size;
    double temperature;
  };

  NoteDecoder& decoder_;
  Draws draws_{0};  // reseeded for every answer; its working arrays are kept
  std::vector<HeadSpan> class_heads_;
  std::array<float, 128> pitch_mask_{};
  std::vector<double> step_seconds_;
  // Per beam (at least as many as the widest answer so far, never shrunk), reused between steps
  // and answers; decoder_.beams() says how many are live.
  std::vector<std::vector<NoteFeatures>> beams_, next_beams_;
  std::vector<OnsetLimits> limits_, next_limits_;
  std::vector<std::vector<Candidate>> candidates_;
  std::vector<std::vector<float>> heads_;  // per beam: the searched and drawn heads' log-probs
  std::vector<Candidate> merged_;
  std::vector<std::pair<float, int>> top_;
  std::vector<double> scores_, next_scores_, perturbed_, next_perturbed_, rank_, total_;
  std::vector<int> order_, parents_, merge_order_;
  std::vector<NoteFeatures> inputs_;
};

}  // namespace mlstm
