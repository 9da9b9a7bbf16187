#include "decode/onset_limits.hpp"

#include <algorithm>
#include <stdexcept>

namespace mlstm {

OnsetLimits::OnsetLimits(std::span<const NoteFeatures> context, int max_cluster, double max_pace,
                         double time_scale)
    : max_cluster_(max_cluster),
      max_pace_(max_pace * time_scale),
      window_(kClusterWindowSeconds / time_scale) {
  if (!(time_scale > 0.0)) throw std::invalid_argument("the time scale must be above 0");
  if (const std::string error = onset_limits_error(max_cluster, max_pace); !error.empty()) {
    throw std::invalid_argument(error);
  }
  // The context's onsets, back from its last note (at 0): each note's step separates it from the
  // one before. (The context is heard as it was played: into the decoder's time.)
  const std::size_t keep = std::min(context.size(), static_cast<std::size_t>(max_cluster));
  double t = 0.0;
  for (std::size_t i = 0; i < keep; ++i) {
    const std::size_t k = context.size() - 1 - i;
    recent_.push_back(t);
    t -= std::max(context[k].step, 0.0) / time_scale;
  }
  std::reverse(recent_.begin(), recent_.end());
}

double OnsetLimits::min_step() const {
  double earliest = last_onset_;
  // Cluster: the next onset must be a window after the max_cluster-th latest one.
  if (static_cast<int>(recent_.size()) >= max_cluster_) {
    // (A microsecond over, so rounding cannot put the onset back inside the window.)
    earliest = std::max(earliest, recent_.front() + window_ + 1e-6);
  }
  // Pace: answer note n (n = answer_notes_) no earlier than (n - max_cluster) / max_pace after
  // the answer's first onset.
  if (answer_notes_ > max_cluster_) {
    earliest = std::max(earliest, first_answer_onset_ + (answer_notes_ - max_cluster_) / max_pace_);
  }
  return earliest - last_onset_;
}

void OnsetLimits::add(double step) {
  last_onset_ += std::max(step, 0.0);
  if (answer_notes_ == 0) first_answer_onset_ = last_onset_;
  ++answer_notes_;
  recent_.push_back(last_onset_);
  if (static_cast<int>(recent_.size()) > max_cluster_) recent_.erase(recent_.begin());
}

double phrase_pace(std::span<const NoteFeatures> all, double max_rest) {
  const std::span<const NoteFeatures> notes = all.last(std::min(all.size(), kPaceNotes));
  int counted = 0;
  double span = 0.0;  // the first note's step is the time before the notes: not counted
  for (std::size_t i = 1; i < notes.size(); ++i) {
    const double step = std::max(notes[i].step, 0.0);
    if (step > max_rest) continue;
    ++counted;
    span += step;
  }
  return counted == 0 ? 0.0 : counted / std::max(span, kMinPhraseSeconds);
}

}  // namespace mlstm
