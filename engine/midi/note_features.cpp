#include "midi/note_features.hpp"

#include <algorithm>

namespace mlstm {

std::vector<NoteFeatures> to_features(std::span<const Note> notes) {
  std::vector<Note> sorted(notes.begin(), notes.end());
  std::stable_sort(sorted.begin(), sorted.end(), note_order);
  std::vector<NoteFeatures> out;
  out.reserve(sorted.size());
  double prev_start = sorted.empty() ? 0.0 : sorted.front().start;
  for (const Note& n : sorted) {
    out.push_back({n.pitch, n.start - prev_start, n.end - n.start, n.velocity});
    prev_start = n.start;
  }
  return out;
}

std::vector<Note> from_features(std::span<const NoteFeatures> features, double first_start,
                                int channel) {
  std::vector<Note> out;
  out.reserve(features.size());
  double start = first_start;
  bool first = true;
  for (const NoteFeatures& f : features) {
    if (!first) start += f.step;
    first = false;
    out.push_back({f.pitch, f.velocity, start, start + f.duration, channel, 0});
  }
  return out;
}

}  // namespace mlstm
