#pragma once
// The notes of a performance that start within [from, to): an excerpt, as the beat measurements
// (beat_on_maestro, beat_on_asap) cut them.
#include <vector>

#include "midi/note.hpp"

namespace mlstm::test {

inline std::vector<Note> notes_between(const std::vector<Note>& notes, double from, double to) {
  std::vector<Note> out;
  for (const Note& n : notes) {
    if (n.start >= from && n.start < to) out.push_back(n);
  }
  return out;
}

}  // namespace mlstm::test
