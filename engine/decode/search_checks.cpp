#include "decode/search_checks.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include "decode/search_knobs.hpp"

namespace mlstm {

void check_search(const SearchSettings& s, const ModelConfig& m, std::size_t context_notes) {
  // The knobs' ranges (decode/search_knobs.hpp); the playability limits only where they apply.
  for (const SearchKnob& k : search_knobs()) {
    const std::string_view id = k.id;
    if (!s.playable && (id == "cluster" || id == "pace")) continue;
    if (std::string e = search_knob_error(k, k.get(s)); !e.empty()) throw DecodeError(e);
  }
  if (s.loop_ngram == 1) throw DecodeError("the loop n-gram must be 0 (off) or 2 to 8 notes");
  if (s.length < 1) throw DecodeError("length must be at least 1 note");
  if (!(s.player_pace >= 0.0 && std::isfinite(s.player_pace))) {
    throw DecodeError("the player's pace must be 0 (unknown) or more notes a second");
  }
  if (!(s.player_register >= 0.0 && s.player_register <= 127.0)) {
    throw DecodeError("the player's register must be 0 (unknown) or a MIDI pitch up to 127");
  }
  if (s.min_pitch < 0 || s.max_pitch > 127 || s.min_pitch > s.max_pitch) {
    throw DecodeError("pitch range must lie within 0..127, lowest first");
  }
  if ((s.pitch_classes & ~kAllPitchClasses) != 0) {
    throw DecodeError("pitch classes must be a 12-bit set (C = bit 0 .. B = bit 11)");
  }
  bool any_pitch = false;
  for (int p = s.min_pitch; p <= s.max_pitch; ++p) any_pitch |= (s.pitch_classes >> (p % 12)) & 1;
  if (!any_pitch) throw DecodeError("no pitch of the allowed pitch classes lies in the range");
  if (static_cast<long long>(context_notes) < m.context_notes) {
    throw DecodeError("the context has " + std::to_string(context_notes) +
                      " notes; this model needs " + std::to_string(m.context_notes));
  }
  if (!(s.time_scale > 0.0 && s.time_scale <= 100.0)) {
    throw DecodeError("the time scale must be above 0 and at most 100");
  }
}

}  // namespace mlstm
