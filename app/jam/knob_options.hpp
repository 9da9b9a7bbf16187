#pragma once
// The jam's command-line options for its knobs, one per row of the knob table
// (realtime/perform/knob_table.hpp): --width, --temperature, ... with the table's help, range and
// default. Each value is kept as text and applied over the preset by set_knob(), which says what
// is wrong with it in one line.

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "perform/jam_settings.hpp"

namespace mlstm::app {

// Adds --<knob> for every knob; a value given lands in `given` under the knob's name.
void add_knob_options(CLI::App* cmd, std::map<std::string, std::string>& given);
// The knobs given, applied over `settings` (a preset's, the panel's memory). Throws
// std::invalid_argument naming the option, the value and what the knob takes.
void apply_knob_options(const std::map<std::string, std::string>& given, rt::JamSettings& settings);

}  // namespace mlstm::app
