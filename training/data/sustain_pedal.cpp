#include "data/sustain_pedal.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <utility>

namespace mlstm {

std::vector<Note> apply_sustain_pedal(std::span<const Note> notes,
                                      std::span<const PedalEvent> pedals) {
  // Each channel's pedal-down spans [down, up); a pedal still down at the end stays down.
  std::array<std::vector<std::pair<double, double>>, 16> held;
  std::array<double, 16> down_since;
  down_since.fill(-1.0);
  for (const PedalEvent& p : pedals) {
    if (p.controller != kSustainPedal || p.channel < 0 || p.channel > 15) continue;
    const auto c = static_cast<std::size_t>(p.channel);
    const bool down = switch_pressed(p.value);
    if (down && down_since[c] < 0) down_since[c] = p.time;
    if (!down && down_since[c] >= 0) {
      held[c].emplace_back(down_since[c], p.time);
      down_since[c] = -1.0;
    }
  }
  for (std::size_t c = 0; c < 16; ++c) {
    if (down_since[c] >= 0) held[c].emplace_back(down_since[c], std::numeric_limits<double>::max());
  }
  std::vector<Note> out(notes.begin(), notes.end());
  for (Note& n : out) {
    if (n.channel < 0 || n.channel > 15) continue;
    const auto& spans = held[static_cast<std::size_t>(n.channel)];
    // The span the key's release falls in, if any (spans are sorted and disjoint).
    const auto it = std::upper_bound(spans.begin(), spans.end(), n.end,
                                     [](double t, const auto& s) { return t < s.first; });
    if (it != spans.begin() && n.end < std::prev(it)->second) n.end = std::prev(it)->second;
  }
  // A key struck again stops its string: no note sounds past the next onset of its pitch.
  std::map<std::pair<int, int>, std::size_t> last;  // (channel, pitch) -> its latest note
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto key = std::make_pair(out[i].channel, out[i].pitch);
    if (const auto it = last.find(key); it != last.end()) {
      Note& before = out[it->second];
      const Note& original = notes[it->second];
      if (before.end > out[i].start) before.end = std::max(original.end, out[i].start);
    }
    last[key] = i;
  }
  // A pedal held to the end of the file holds its notes to the last key's release.
  double file_end = 0.0;
  for (const Note& n : notes) file_end = std::max(file_end, n.end);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].end == std::numeric_limits<double>::max())
      out[i].end = std::max(notes[i].end, file_end);
  }
  return out;
}

}  // namespace mlstm
