#pragma once
// The notes a continuation starts from: the last few notes of a voice (the player's, or the
// model's own in continuous mode) with pitch, step, duration and velocity. A note still held
// counts with its duration so far. With the sustain pedal reported (pedal()), a note released
// under it sounds on until the pedal comes up or its key is struck again, as the training data's
// durations were heard (training/data/sustain_pedal.hpp). Times are audio frames; the features
// are in seconds.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "midi/note_features.hpp"

namespace mlstm::rt {

class NoteContext {
 public:
  NoteContext(int sample_rate, std::size_t keep) : rate_(sample_rate), keep_(keep) {}

  void note_on(int pitch, int velocity, std::int64_t frame);
  // Releases the oldest held key of this pitch: the note ends, or sounds on while the pedal is
  // down. An unmatched note-off is ignored.
  void note_off(int pitch, std::int64_t frame);
  // The sustain pedal goes down or up; up ends the notes it held.
  void pedal(bool down, std::int64_t frame);
  // A note whose whole life is known (the model's answer).
  void add(int pitch, int velocity, std::int64_t start, std::int64_t end);
  void clear();

  // The last `keep` notes by start as features, held notes lasting until `now`. The first note's
  // step is from the note before it when that is still known, else 0.
  std::vector<NoteFeatures> features(std::int64_t now) const;

  std::size_t size() const { return notes_.size(); }
  int held() const { return held_; }  // keys down (not notes the pedal holds)
  // The frame of the last note-on or note-off (or added note's end); -1 before any.
  std::int64_t last_activity() const { return last_activity_; }
  // The start frame of the newest note; -1 before any.
  std::int64_t last_start() const { return notes_.empty() ? -1 : notes_.back().start; }

 private:
  struct Entry {
    int pitch, velocity;
    std::int64_t start, end;  // end < 0 while it sounds
    bool sustained = false;   // its key is up, the pedal holds it
  };
  void end_sustained(std::int64_t frame, int pitch);  // pitch < 0: every one
  void trim();

  int rate_;
  std::size_t keep_;
  std::deque<Entry> notes_;  // by start; one more than `keep` for the first step
  int held_ = 0;
  bool pedal_down_ = false;
  std::int64_t last_activity_ = -1;
};

}  // namespace mlstm::rt
