#pragma once
// The panel's widgets for the jam's knobs, made from the knob table
// (realtime/perform/knob_table.hpp): a knob's slider, combo or checkbox takes its label, range,
// precision, scale and tooltip from there, so the panel cannot disagree with the command line,
// presets, MIDI learn or a plugin's parameters. A change is written through JamKnobs::set(), one
// serialised write of that knob alone, so it never undoes what a controller or a control line
// changed in the same frame.

#include <string>
#include <vector>

#include "perform/jam_settings.hpp"
#include "perform/knob_table.hpp"

namespace mlstm::ui {

// The widget a knob gets.
struct KnobWidget {
  enum class Kind { kSliderInt, kSliderFloat, kCombo, kCheckbox, kScale } kind;
  double lo = 0, hi = 0;           // the sliders'
  std::string format;              // the float slider's, "%.2f"
  bool logarithmic = false;        // the float slider's
  std::vector<std::string> items;  // the combo's, in the knob's choices' order
};
KnobWidget knob_widget(const rt::KnobSpec& k);

// Whether the panel leaves `k` out for now because the settings make it moot (the metronome's
// tempo while it is off, the fade's length while answers stop).
bool knob_is_moot(const rt::KnobSpec& k, const rt::JamSettings& s);

// [main-thread] Draws every knob of `group`, in the table's order, showing `shown` (this frame's
// snapshot); a change goes to `knobs`.
void draw_knob_group(rt::KnobGroup group, const rt::JamSettings& shown, rt::JamKnobs& knobs);
// [main-thread] One knob, as draw_knob_group() draws it.
void draw_knob(const rt::KnobSpec& k, const rt::JamSettings& shown, rt::JamKnobs& knobs);

}  // namespace mlstm::ui
