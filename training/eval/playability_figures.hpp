#pragma once
// The playability of a set of answers (midi/playability.hpp) as `eval` reports it: how many are
// degenerate (span under 1 s, or more than 10 notes starting together), and the distributions a
// listener would notice: each answer's span, its largest cluster and its notes per second. The
// same figures for the real music that followed the same prompts stand beside them.

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "midi/note_features.hpp"
#include "midi/playability.hpp"

namespace mlstm {

class PlayabilityFigures {
 public:
  void add(std::span<const NoteFeatures> answer);
  // Each consecutive `chunk` notes of `song` as one answer (a continuous chain of answers); a
  // shorter tail is left out.
  void add_chunks(std::span<const NoteFeatures> song, std::size_t chunk);

  std::size_t answers() const { return all_.size(); }
  double share_degenerate() const;
  // Keys: answers, degenerate, share_degenerate, span_s {p10, median, p90},
  // largest_cluster {median, p90, max}, notes_per_second {median, p90, max}.
  nlohmann::json to_json() const;

 private:
  std::vector<Playability> all_;
};

// The q-quantile (0..1) of `values` by the nearest rank; 0 for none.
double quantile(std::vector<double> values, double q);
// The median of `values` (the mean of the middle two for an even count); 0 for none.
double median(std::vector<double> values);

}  // namespace mlstm
