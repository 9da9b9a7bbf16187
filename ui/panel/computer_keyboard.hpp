#pragma once
// The computer keyboard as a piano, in the layout trackers use: the bottom letter row plays an
// octave from C (Z S X D C V G B H N J M ,: white keys on the letters, black keys on the row above
// them), the top letter row the octave above (Q 2 W 3 E R 5 T 6 Y 7 U I). The octave shifts with
// the bracket keys. Keys are given as the US-layout characters GLFW names them by.

#include <optional>

namespace mlstm::ui {

class ComputerKeyboard {
 public:
  static constexpr int kLowestOctave = 0, kHighestOctave = 7;

  // The pitch a key plays now, if it is a piano key.
  std::optional<int> pitch(char key) const;
  // '[' and ']' shift the octave (true when the key did).
  bool shift(char key);

  int octave() const { return octave_; }  // of the bottom row's C: 4 is middle C (60)

 private:
  int octave_ = 4;
};

}  // namespace mlstm::ui
