#pragma once
// The jam's knobs as a host's automatable parameters (a plugin's: LV2 ports, VST3 and CLAP
// parameters), made from the knob table (perform/knob_table.hpp) like every other view of the
// knobs: a number knob keeps its range and scale, a whole one is an integer, a choice an
// enumeration whose value is the choice's index, on/off a toggle. The seed (no range) is left out;
// the scale lock offers off and the key heard (a scale such as "D minor" is a preset's or a
// control line's). Host-neutral: the plugin (plugin/) maps these onto DPF's parameters.

#include <string>
#include <vector>

#include "perform/jam_settings.hpp"
#include "perform/knob_table.hpp"

namespace mlstm::rt {

struct HostParameter {
  const KnobSpec* knob = nullptr;
  std::string id, name, unit;  // the knob's id, its panel label, its unit
  double lo = 0, hi = 1, default_value = 0;
  bool integer = false, logarithmic = false, toggle = false;
  std::vector<std::string> choices;  // an enumeration's labels (value i is choice i)
};

// Every parameter, in the knob table's order.
const std::vector<HostParameter>& host_parameters();
// The knob's value in `settings` as the parameter's number.
double host_value(const HostParameter& p, const JamSettings& settings);
// The parameter's number (kept to its range; an integer, choice or toggle rounded) as the text
// set_knob() reads.
std::string knob_text(const HostParameter& p, double value);

}  // namespace mlstm::rt
