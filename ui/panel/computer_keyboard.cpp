#include "panel/computer_keyboard.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace mlstm::ui {
namespace {

constexpr std::string_view kBottomRow = "ZSXDCVGBHNJM,";  // semitones 0..12
constexpr std::string_view kTopRow = "Q2W3ER5T6Y7UI";     // semitones 12..24

}  // namespace

std::optional<int> ComputerKeyboard::pitch(char key) const {
  const char k = static_cast<char>(std::toupper(static_cast<unsigned char>(key)));
  int semitone = -1;
  if (const auto i = kBottomRow.find(k); i != std::string_view::npos) {
    semitone = static_cast<int>(i);
  } else if (const auto j = kTopRow.find(k); j != std::string_view::npos) {
    semitone = 12 + static_cast<int>(j);
  }
  if (semitone < 0) return std::nullopt;
  const int p = 12 * (octave_ + 1) + semitone;
  if (p < 0 || p > 127) return std::nullopt;
  return p;
}

bool ComputerKeyboard::shift(char key) {
  if (key == '[') {
    octave_ = std::max(kLowestOctave, octave_ - 1);
    return true;
  }
  if (key == ']') {
    octave_ = std::min(kHighestOctave, octave_ + 1);
    return true;
  }
  return false;
}

}  // namespace mlstm::ui
