#include "decode/search_checks.hpp"

#include <cmath>
#include <string>

#include "decode/figure_recall.hpp"
#include "decode/register_keep.hpp"

namespace mlstm {

void check_search(const SearchSettings& s, const ModelConfig& m, std::size_t context_notes) {
  if (s.width < 1 || s.width > 64) throw DecodeError("beam width must be 1 to 64");
  if (!(s.temperature > 0.0) || !std::isfinite(s.temperature)) {
    throw DecodeError("temperature must be above 0");
  }
  if (!(s.timing_temperature > 0.0) || !std::isfinite(s.timing_temperature)) {
    throw DecodeError("timing temperature must be above 0");
  }
  if (s.length < 1) throw DecodeError("length must be at least 1 note");
  if (s.top_k < 0 || s.top_k > 128) throw DecodeError("top-k must be 0 (off) to 128");
  if (!(s.top_p > 0.0 && s.top_p <= 1.0)) throw DecodeError("top-p must be above 0 and at most 1");
  if (!(s.repetition_penalty >= 0.0 && s.repetition_penalty <= 10.0)) {
    throw DecodeError("repetition penalty must be 0 (off) to 10 nats");
  }
  if (s.loop_ngram != 0 && (s.loop_ngram < 2 || s.loop_ngram > 8)) {
    throw DecodeError("the loop n-gram must be 0 (off) or 2 to 8 notes");
  }
  if (!(s.loop_penalty >= 0.0 && s.loop_penalty <= 20.0)) {
    throw DecodeError("the loop penalty must be 0 (off) to 20 nats");
  }
  if (!(s.figure_penalty >= 0.0 && s.figure_penalty <= 20.0)) {
    throw DecodeError("the figure penalty must be 0 (off) to 20 nats");
  }
  if (s.repetition_window < 1 || s.repetition_window > 256) {
    throw DecodeError("repetition window must be 1 to 256 notes");
  }
  if (const std::string e = onset_limits_error(s.max_cluster, s.max_pace);
      s.playable && !e.empty()) {
    throw DecodeError(e);
  }
  if (!(s.player_pace >= 0.0 && std::isfinite(s.player_pace))) {
    throw DecodeError("the player's pace must be 0 (unknown) or more notes a second");
  }
  if (!(s.pace_ratio >= 0.0 && s.pace_ratio <= kMaxPaceRatio)) {
    throw DecodeError("the pace ratio must be 0 (off) to 8 times the player's pace");
  }
  if (!(s.recall >= 0.0 && s.recall <= kMaxRecall)) {
    throw DecodeError("figure recall must be 0 (off) to 10 nats");
  }
  if (!(s.register_keep >= 0.0 && s.register_keep <= kMaxRegisterKeep)) {
    throw DecodeError("keeping to the register must be 0 (off) to 10 nats a semitone");
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
