#pragma once
// Which notes of a MIDI file a model learns from. A plain folder holds more than piano
// performances: files of several tracks, General MIDI drum parts, and the jam's own recordings
// (the player's track and the model's). The choice is made when notes become training windows, so
// the note cache keeps every note and a new choice needs no new parse.

#include <span>
#include <string>
#include <vector>

#include "midi/note.hpp"

namespace mlstm {

// General MIDI's percussion channel (10, index 9): its "pitches" are drums, not notes.
inline constexpr int kDrumChannel = 9;

struct NoteSelection {
  // "auto": every track, except in a recording of `music-lstm jam` (tracks named "player" and
  // "model"), where only the player's track: the player's own music, not the model's answers.
  // "all": every track. Otherwise track names, comma-separated ("player", "piano,left hand").
  std::string tracks = "auto";
  bool drums = false;  // keep the percussion channel's notes too
};

// Throws std::runtime_error for an empty or malformed track list.
void check_note_selection(const NoteSelection& s);

// Whether a file's tracks are those the jam's recorder writes.
bool is_jam_recording(std::span<const std::string> track_names);

// The notes `s` keeps of a file's notes (in their order), given its track names by MTrk index.
std::vector<Note> select_notes(std::span<const Note> notes,
                               std::span<const std::string> track_names, const NoteSelection& s);

// One line on what `s` keeps, for the training log ("every track but the drum channel; ...").
std::string describe(const NoteSelection& s);

}  // namespace mlstm
