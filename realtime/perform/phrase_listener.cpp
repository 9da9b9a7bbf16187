#include "perform/phrase_listener.hpp"

#include <algorithm>
#include <vector>

#include "music/key_estimate.hpp"

namespace mlstm::rt {

PhraseListener::PhraseListener(int sample_rate, int context_notes)
    : context_(sample_rate, static_cast<std::size_t>(context_notes)),
      key_context_(sample_rate, static_cast<std::size_t>(kKeyNotes)) {}

void PhraseListener::note_on(int pitch, int velocity, std::int64_t frame, std::int64_t gap_frames) {
  // A note after a silence of the gap begins a phrase (the bar lines of the entry knob start
  // there).
  if (context_.held() == 0 &&
      (context_.last_activity() < 0 || frame - context_.last_activity() >= gap_frames)) {
    phrase_start_ = frame;
  }
  context_.note_on(pitch, velocity, frame);
  key_context_.note_on(pitch, velocity, frame);
  recent_.push_back({pitch, velocity, frame, -1});
  // A key pressed and never released is not kept forever.
  if (recent_.size() > 4096) recent_.pop_front();
  ++version_;
}

void PhraseListener::note_off(int pitch, std::int64_t frame) {
  context_.note_off(pitch, frame);
  key_context_.note_off(pitch, frame);
  if (key_context_.size() >= static_cast<std::size_t>(kMinKeyNotes)) {
    const std::vector<NoteFeatures> notes = key_context_.features(frame);
    const music::KeyEstimate e = music::estimate_key(music::pitch_class_weights(notes));
    if (e.found) key_ = e.key;
  }
  for (PlannedNote& n : recent_) {
    if (n.pitch == pitch && n.end < 0) {
      n.end = std::max(frame, n.start);
      break;
    }
  }
  ++version_;
}

void PhraseListener::forget_before(std::int64_t frame) {
  while (!recent_.empty() && recent_.front().end >= 0 && recent_.front().end < frame) {
    recent_.pop_front();
  }
}

}  // namespace mlstm::rt
