#pragma once
// The search's settings a person turns (issue 34, "one table of knobs"): each one's name, range,
// unit and help, declared here once. check_search() keeps every search to these ranges; the
// command lines of `compose` and `eval` and the jam's knob table (realtime/perform/knob_table.hpp,
// which adds the panel's label and MIDI learn) take their options, ranges and help from here, so
// no range is typed twice and none can disagree. Torch-free.

#include <string>
#include <string_view>
#include <vector>

#include "decode/search_settings.hpp"

namespace mlstm {

struct SearchKnob {
  const char* id;    // "width": the command line's --width, a preset's and a control line's name
  const char* what;  // "the beam width": how an error names it
  double lo = 0, hi = 0;
  bool whole = false;  // whole numbers
  const char* unit;    // "nats", "notes a second", ... ("": a plain number)
  const char* help;    // what it does, for --help, the panel's tooltip and a plugin's parameter
  double (*get)(const SearchSettings&);
  void (*set)(SearchSettings&, double);
};

// Every knob of the search, in the order --help lists them.
const std::vector<SearchKnob>& search_knobs();
// The knob named `id`; throws std::out_of_range for a name that is none.
const SearchKnob& search_knob(std::string_view id);
// A number as the knobs write it: the shortest text that reads back as the same double ("0.85").
std::string knob_number_text(double v);
// "1 to 32" (with the unit where it has one: "0 to 10 nats").
std::string range_text(const SearchKnob& k);
// Empty when `v` is in the knob's range (and whole where it must be); else one line: "the beam
// width must be 1 to 32".
std::string search_knob_error(const SearchKnob& k, double v);

}  // namespace mlstm
