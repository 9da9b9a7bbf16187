#pragma once
// Note durations as the pianist heard them. MIDI ends a note at its key's release, but under the
// sustain pedal (CC64 at 64 or more) the string sounds on until the pedal comes up, or until the
// same key is struck again. MAESTRO's performances hold the pedal much of the time, so the
// durations a model learns from the keys alone are shorter than what a listener hears.

#include <span>
#include <vector>

#include "midi/note.hpp"

namespace mlstm {

// `notes` (in note_order) with each note's end moved to the release of the sustain pedal held at
// that moment on its channel, but never past the next onset of the same pitch on that channel.
// `pedals`: sustain events (controller 64), sorted by time.
std::vector<Note> apply_sustain_pedal(std::span<const Note> notes,
                                      std::span<const PedalEvent> pedals);

}  // namespace mlstm
