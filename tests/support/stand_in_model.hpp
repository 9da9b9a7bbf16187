#pragma once
// The model of the real-time tests that run a whole jam (tests/realtime/rtsan_*.cpp): LibTorch
// cannot be built with their clang, and the audio thread sees only the answers' events, whatever
// made them. It takes a few milliseconds, as a small model's search does (more at a wider beam),
// and answers a climbing line with rests and chords, in the search's length.
#include <chrono>
#include <span>
#include <thread>
#include <vector>

#include "perform/jam.hpp"

namespace mlstm::test {

inline std::vector<NoteFeatures> stand_in_model(std::span<const NoteFeatures> context,
                                                const SearchSettings& s) {
  std::this_thread::sleep_for(std::chrono::milliseconds(3 + s.width / 4));
  std::vector<NoteFeatures> out;
  int pitch = context.back().pitch;
  for (int i = 0; i < s.length; ++i) {
    pitch = 48 + (pitch + 5 + i % 3) % 36;
    out.push_back({pitch, i % 4 == 0 ? 0.0 : 0.09, 0.12, 60 + i % 40});
  }
  return out;
}

}  // namespace mlstm::test
