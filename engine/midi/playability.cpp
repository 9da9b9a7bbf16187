#include "midi/playability.hpp"

#include <algorithm>

namespace mlstm {

std::vector<double> onsets_from_steps(std::span<const NoteFeatures> notes) {
  std::vector<double> onsets;
  onsets.reserve(notes.size());
  double t = 0.0;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    if (i > 0) t += std::max(notes[i].step, 0.0);
    onsets.push_back(t);
  }
  return onsets;
}

int largest_cluster(std::span<const double> onsets, double window) {
  // Two pointers over the sorted onsets: [from, to) is the run within `window` of onsets[from].
  int best = 0;
  std::size_t to = 0;
  for (std::size_t from = 0; from < onsets.size(); ++from) {
    to = std::max(to, from);
    while (to < onsets.size() && onsets[to] - onsets[from] < window) ++to;
    best = std::max(best, static_cast<int>(to - from));
  }
  return best;
}

Playability measure_playability(std::span<const NoteFeatures> notes) {
  Playability p;
  p.notes = static_cast<int>(notes.size());
  if (notes.empty()) return p;
  const std::vector<double> onsets = onsets_from_steps(notes);
  p.span_seconds = onsets.back() - onsets.front();
  p.largest_cluster = largest_cluster(onsets);
  double end = 0.0;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    end = std::max(end, onsets[i] + std::max(notes[i].duration, 0.0));
  }
  // A note lasts at least a millisecond here, so the rate stays finite for a zero-length answer.
  p.notes_per_second = static_cast<double>(notes.size()) / std::max(end, 1e-3);
  return p;
}

}  // namespace mlstm
