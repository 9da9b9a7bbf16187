#pragma once
// The piano roll: the last ten seconds of the player's notes and the model's in two colours, and
// the model's planned notes ahead of the playhead (lighter), so the player sees what is coming.

#include "perform/performer.hpp"

namespace mlstm::ui {

struct PianoRollStyle {
  double past_seconds = 10.0;
  double ahead_seconds = 4.0;
};

// Draws into the current ImGui window, filling `height` pixels of the available width.
void draw_piano_roll(const rt::PerformerView& view, int sample_rate, float height,
                     const PianoRollStyle& style = {});

}  // namespace mlstm::ui
