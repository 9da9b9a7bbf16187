#include "perform/note_context.hpp"

#include <algorithm>

namespace mlstm::rt {

void NoteContext::note_on(int pitch, int velocity, std::int64_t frame) {
  end_sustained(frame, pitch);  // a key struck again stops the string the pedal held
  // Kept in start order: input arrives in frame order, but a replayed and a live note may not.
  auto it = notes_.end();
  while (it != notes_.begin() && std::prev(it)->start > frame) --it;
  notes_.insert(it, Entry{pitch, velocity, frame, -1});
  ++held_;
  last_activity_ = std::max(last_activity_, frame);
  trim();
}

void NoteContext::note_off(int pitch, std::int64_t frame) {
  for (Entry& e : notes_) {
    if (e.pitch == pitch && e.end < 0 && !e.sustained) {
      if (pedal_down_) {
        e.sustained = true;
      } else {
        e.end = std::max(frame, e.start);
      }
      --held_;
      last_activity_ = std::max(last_activity_, frame);
      return;
    }
  }
}

void NoteContext::pedal(bool down, std::int64_t frame) {
  if (!down) end_sustained(frame, -1);
  pedal_down_ = down;
}

void NoteContext::end_sustained(std::int64_t frame, int pitch) {
  for (Entry& e : notes_) {
    if (e.sustained && (pitch < 0 || e.pitch == pitch)) {
      e.sustained = false;
      e.end = std::max(frame, e.start);
    }
  }
}

void NoteContext::add(int pitch, int velocity, std::int64_t start, std::int64_t end) {
  auto it = notes_.end();
  while (it != notes_.begin() && std::prev(it)->start > start) --it;
  notes_.insert(it, Entry{pitch, velocity, start, std::max(start, end)});
  last_activity_ = std::max(last_activity_, end);
  trim();
}

void NoteContext::clear() {
  notes_.clear();
  held_ = 0;  // the pedal stays as it is: it is the player's foot, not the notes'
  last_activity_ = -1;
}

void NoteContext::trim() {
  // Sounding notes stay until they end (a note-off or the pedal must find them), however old.
  while (notes_.size() > keep_ + 1 && notes_.front().end >= 0) notes_.pop_front();
  // A key held for very long with many notes after it: give up on it rather than grow.
  while (notes_.size() > 4 * keep_ + 16) {
    if (notes_.front().end < 0 && !notes_.front().sustained) --held_;
    notes_.pop_front();
  }
}

std::vector<NoteFeatures> NoteContext::features(std::int64_t now) const {
  const std::size_t n = std::min(keep_, notes_.size());
  const std::size_t first = notes_.size() - n;
  std::vector<NoteFeatures> out;
  out.reserve(n);
  for (std::size_t i = first; i < notes_.size(); ++i) {
    const Entry& e = notes_[i];
    const std::int64_t end = e.end < 0 ? std::max(now, e.start) : e.end;
    const std::int64_t step = i > 0 ? e.start - notes_[i - 1].start : 0;
    out.push_back({e.pitch, static_cast<double>(step) / rate_,
                   static_cast<double>(end - e.start) / rate_, e.velocity});
  }
  return out;
}

}  // namespace mlstm::rt
