#include "eval/repetition.hpp"

#include <array>
#include <set>

namespace mlstm {

int longest_two_pitch_run(std::span<const NoteFeatures> notes) {
  // A sliding window with at most two distinct pitches: it grows on the right, and when a third
  // pitch comes in, it restarts just after the last note of the pitch seen longest ago.
  int best = 0;
  std::size_t begin = 0;
  int a = -1, b = -1;                  // the window's pitches
  std::size_t last_a = 0, last_b = 0;  // where each was seen last
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const int p = notes[i].pitch;
    if (p == a) {
      last_a = i;
    } else if (p == b) {
      last_b = i;
    } else if (a < 0) {
      a = p, last_a = i;
    } else if (b < 0) {
      b = p, last_b = i;
    } else if (last_a < last_b) {
      begin = last_a + 1;
      a = p, last_a = i;
    } else {
      begin = last_b + 1;
      b = p, last_b = i;
    }
    best = std::max(best, static_cast<int>(i - begin + 1));
  }
  return best;
}

double distinct_four_gram_share(std::span<const NoteFeatures> notes) {
  if (notes.size() < 4) return 1.0;
  std::set<std::array<int, 4>> seen;
  const std::size_t total = notes.size() - 3;
  for (std::size_t i = 0; i < total; ++i) {
    seen.insert({notes[i].pitch, notes[i + 1].pitch, notes[i + 2].pitch, notes[i + 3].pitch});
  }
  return static_cast<double>(seen.size()) / static_cast<double>(total);
}

}  // namespace mlstm
