#pragma once
// The performer's phrase listener: what the player played, as the model and the jam hear it. The
// context (their last notes, a held one with its duration so far, read under the sustain pedal
// when the model learnt so), where a phrase starts (a note after a silence of the gap), the key
// they play in, and their recent notes for the beat and the piano roll. Each note-on and note-off
// bumps the context's version: the answering part asks again only for a context it has not
// asked for.
//
// Threads: the performer's tick alone.

#include <cstdint>
#include <deque>
#include <optional>

#include "music/scale.hpp"
#include "perform/note_context.hpp"
#include "perform/player_beat.hpp"

namespace mlstm::rt {

// The key the jam hears the player in: estimated from their last kKeyNotes notes (about a minute
// of a slow piece, a few bars of a fast one), once there are kMinKeyNotes.
inline constexpr int kKeyNotes = 48;
inline constexpr int kMinKeyNotes = 8;

class PhraseListener {
 public:
  // `context_notes`: what the model reads.
  PhraseListener(int sample_rate, int context_notes);

  // A key went down at `frame`; `gap_frames`, the gap knob (a note after that much silence
  // begins a phrase).
  void note_on(int pitch, int velocity, std::int64_t frame, std::int64_t gap_frames);
  // A key went up at `frame`; the key is heard anew.
  void note_off(int pitch, std::int64_t frame);
  // The sustain pedal (for a model that learnt durations under it).
  void pedal(bool down, std::int64_t frame) { context_.pedal(down, frame); }
  // Forgets recent notes that ended before `frame` (a held note is kept).
  void forget_before(std::int64_t frame);

  const NoteContext& context() const { return context_; }
  std::uint64_t version() const { return version_; }
  std::optional<music::Scale> key() const { return key_; }
  std::int64_t phrase_start() const { return phrase_start_; }
  // Their notes of the last seconds, oldest first; a held one has end -1.
  const std::deque<PlannedNote>& recent() const { return recent_; }

 private:
  NoteContext context_;
  NoteContext key_context_;          // their last kKeyNotes notes
  std::optional<music::Scale> key_;  // their key, once kMinKeyNotes were heard
  std::int64_t phrase_start_ = -1;   // the first note of their phrase
  std::uint64_t version_ = 0;        // bumped on every note-on and note-off
  std::deque<PlannedNote> recent_;
};

}  // namespace mlstm::rt
