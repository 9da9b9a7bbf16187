#pragma once
// The jam's knobs, each declared once (issue 34, "one table of knobs"): its name, kind, range,
// unit, the panel's label and group, help, and whether MIDI learn may bind it. From this table
// come the jam's command-line options and their --help, control lines ("width 8"), presets, the
// panel's widgets (ui/panel/knob_widgets.hpp), MIDI learn's targets and what a controller's
// 0..127 means. The search's knobs take their range, unit and help from decode/search_knobs.hpp,
// which `compose` and `eval` read too. A knob's default is not typed here: it is the value of
// JamSettings{} (knob_default()), written once where the field is.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "perform/jam_settings.hpp"

namespace mlstm::rt {

enum class KnobKind {
  kWhole,   // a whole number from lo to hi
  kNumber,  // a number from lo to hi, to `decimals` places
  kChoice,  // one of `choices` (set() may take other spellings too: "greedy", "listen-only")
  kOnOff,   // on or off
  kScale,   // off, key, or a scale such as "D minor" (choices: the first two)
  kSeed,    // a whole number from 0: no range, no controller
};

// Where the panel shows a knob.
enum class KnobGroup {
  kAnswer,    // the main column
  kTiming,    // "more...": timing and playability
  kMaterial,  // "more...": the player's material
  kTime,      // "more...": time and key
  kVoice,     // the voices
  kNone,      // not on the panel: the command line, presets and control lines
};

struct KnobSpec {
  std::string id;  // "width": --width, a preset's key, a control line's name
  KnobKind kind = KnobKind::kNumber;
  double lo = 0, hi = 0;  // kWhole, kNumber
  int decimals = 2;       // kNumber: what the panel shows and a controller or a slider sets
  // kNumber: the panel's slider and a controller sweep the range geometrically (from hi / 100
  // where lo is 0), for knobs whose useful values crowd near the bottom (temperature).
  bool log_scale = false;
  std::vector<std::string> choices;        // kChoice, kOnOff ("off", "on"), kScale ("off", "key")
  std::vector<std::string> choice_labels;  // the panel's words for them, where they differ
  std::string unit;                        // "s", "ms", "nats", ... ("": a plain number)
  std::string label;                       // the panel's
  std::string help;                        // what it does (knob_help() adds the range and default)
  KnobGroup group = KnobGroup::kNone;
  bool learnable = true;  // MIDI learn may bind a controller or key to it
  // A plugin's host sees it as a parameter (not: what only the standalone program has, Link).
  bool host_parameter = true;
  // Reads the knob from text into the settings: an empty string, or what is wrong ("must be a
  // whole number from 1 to 32"). Writes nothing on an error.
  std::function<std::string(JamSettings&, const std::string&)> set;
  // The knob's value as set() reads it.
  std::function<std::string(const JamSettings&)> get;
};

// Every knob, in the order --help, presets and the panel list them.
const std::vector<KnobSpec>& knob_table();
// The knob named `id`, or nullptr.
const KnobSpec* find_knob(std::string_view id);
// Its value in JamSettings{}, as text.
std::string knob_default(const KnobSpec& k);
// What it takes: "1 to 32", "0 to 10 nats", "call-and-response, continuous or listen", "on or off".
std::string knob_range(const KnobSpec& k);
// --help's line: its help, range and default.
std::string knob_help(const KnobSpec& k);
// A number of a kNumber knob as its text: rounded to its decimals, trailing zeros dropped.
std::string knob_number(const KnobSpec& k, double v);
// The value a controller's 0..127 gives a kWhole or kNumber knob (linear, or geometric with
// log_scale), kept to the range.
double knob_from_controller(const KnobSpec& k, int value);

}  // namespace mlstm::rt
