#pragma once
// Beam search on the packed decoder (decode/fast/packed_decoder.hpp): the same search as
// decode/beam_search.hpp (every sampling method, drawn timing, the repetition penalty, the pitch
// mask, the playability limits, the same draws for the same seed) with the decoder's steps on
// plain arrays and one matrix product per layer, and no allocation inside the loop over notes
// once its arrays have grown (they are kept between answers). Torch-free: the encoder's state
// comes in as floats (decode/fast/packed_encoder.hpp computes it).
//
// The LibTorch search stays the reference (and the path for the GPU, and for training's
// validation); tests/unit/decode/test_fast_decoder.cpp and functional_fast_search_equality hold
// this one to it: the same notes on random contexts, and log-probabilities within 1e-4.

#include <array>
#include <span>
#include <vector>

#include "decode/draws.hpp"
#include "decode/fast/packed_decoder.hpp"
#include "decode/onset_limits.hpp"
#include "decode/search_settings.hpp"

namespace mlstm::fast {

class FastBeamSearch {
 public:
  // `model` must outlive the search.
  explicit FastBeamSearch(const PackedModel& model);

  // Continues `context` (its last context_notes notes) from the decoder state (h, c) the
  // encoder gave for it ([layers x hidden] each). Throws DecodeError as beam_search() does.
  SearchResult search(std::span<const NoteFeatures> context, std::span<const float> h,
                      std::span<const float> c, const SearchSettings& settings);

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

  const PackedModel& model_;
  PackedDecoder decoder_;
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

}  // namespace mlstm::fast
