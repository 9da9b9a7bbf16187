#include "music/scale.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace mlstm::music {
namespace {

struct KindInfo {
  ScaleKind kind;
  const char* name;
  std::vector<int> steps;  // pitch classes above the tonic
};

const std::array<KindInfo, 10>& kinds() {
  static const std::array<KindInfo, 10> table = {{
      {ScaleKind::kMajor, "major", {0, 2, 4, 5, 7, 9, 11}},
      {ScaleKind::kMinor, "minor", {0, 2, 3, 5, 7, 8, 10}},
      {ScaleKind::kHarmonicMinor, "harmonic-minor", {0, 2, 3, 5, 7, 8, 11}},
      {ScaleKind::kMelodicMinor, "melodic-minor", {0, 2, 3, 5, 7, 9, 11}},
      {ScaleKind::kDorian, "dorian", {0, 2, 3, 5, 7, 9, 10}},
      {ScaleKind::kMixolydian, "mixolydian", {0, 2, 4, 5, 7, 9, 10}},
      {ScaleKind::kMajorPentatonic, "major-pentatonic", {0, 2, 4, 7, 9}},
      {ScaleKind::kMinorPentatonic, "minor-pentatonic", {0, 3, 5, 7, 10}},
      {ScaleKind::kBlues, "blues", {0, 3, 5, 6, 7, 10}},
      {ScaleKind::kMinorKey, "minor-key", {0, 2, 3, 5, 7, 8, 10, 11}},
  }};
  return table;
}

const KindInfo& info(ScaleKind kind) {
  for (const KindInfo& k : kinds()) {
    if (k.kind == kind) return k;
  }
  return kinds()[0];
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::uint16_t Scale::pitch_classes() const {
  std::uint16_t set = 0;
  for (const int step : info(kind).steps)
    set |= static_cast<std::uint16_t>(1u << ((tonic + step) % 12));
  return set;
}

std::string Scale::name() const {
  return std::string(pitch_class_name(tonic)) + " " + scale_kind_name(kind);
}

const char* pitch_class_name(int pitch_class) {
  static const char* kNames[12] = {"C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"};
  return kNames[((pitch_class % 12) + 12) % 12];
}

const char* scale_kind_name(ScaleKind kind) {
  return info(kind).name;
}

const std::vector<ScaleKind>& all_scale_kinds() {
  static const std::vector<ScaleKind> all = [] {
    std::vector<ScaleKind> v;
    for (const KindInfo& k : kinds()) v.push_back(k.kind);
    return v;
  }();
  return all;
}

std::string scale_kind_names() {
  std::string out;
  for (const KindInfo& k : kinds()) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

std::optional<int> parse_pitch_class(const std::string& text) {
  const std::string t = lower(trim(text));
  if (t.empty()) return std::nullopt;
  static const int kNatural[7] = {9, 11, 0, 2, 4, 5, 7};  // a b c d e f g
  if (t[0] < 'a' || t[0] > 'g') return std::nullopt;
  int pc = kNatural[t[0] - 'a'];
  std::string accidental = trim(t.substr(1));
  if (!accidental.empty() && accidental[0] == '-') accidental = accidental.substr(1);
  if (accidental == "#" || accidental == "sharp") {
    pc += 1;
  } else if (accidental == "b" || accidental == "flat") {
    pc += 11;
  } else if (!accidental.empty()) {
    return std::nullopt;
  }
  return pc % 12;
}

std::optional<Scale> parse_scale(const std::string& text) {
  std::string t = lower(trim(text));
  // The tonic is everything before the first space (or, for "bb-dorian", the first '-' after the
  // note letter and its accidental).
  std::size_t split = t.find(' ');
  if (split == std::string::npos) split = t.find('-', 1);
  if (split == std::string::npos) return std::nullopt;
  const auto tonic = parse_pitch_class(t.substr(0, split));
  if (!tonic) return std::nullopt;
  std::string kind = trim(t.substr(split + 1));
  std::replace(kind.begin(), kind.end(), ' ', '-');
  for (const KindInfo& k : kinds()) {
    if (kind == k.name) return Scale{*tonic, k.kind};
  }
  return std::nullopt;
}

}  // namespace mlstm::music
