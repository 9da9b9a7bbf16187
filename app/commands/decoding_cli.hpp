#pragma once
// What `compose` and `eval` share: every knob of the search (decode/search_knobs.hpp: width,
// temperature, the repetition rules, timing, playability, figure recall, the register kept), with
// the jam's defaults, their ranges and help from that one table.

#include <CLI/CLI.hpp>

#include "decode/search_settings.hpp"

namespace mlstm::app {

// Sets `search` to the jam's decoding (default_search_settings()) and adds --timing and one
// option per search knob (--width, --temperature, --repetition, ...), which write into it.
// --beam and --repetition-penalty are older names of --width and --repetition.
void add_search_options(CLI::App* cmd, SearchSettings& search);

}  // namespace mlstm::app
