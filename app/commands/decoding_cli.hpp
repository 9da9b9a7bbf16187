#pragma once
// What `compose` and `eval` share: the decoding options that keep songs from looping (the
// repetition penalty and its window) and drawn timing, with the jam's defaults.

#include <CLI/CLI.hpp>

#include "decode/search_settings.hpp"

namespace mlstm::app {

// Sets `search` to the jam's timing and repetition penalty and adds --timing,
// --timing-temperature, --cluster, --pace, --repetition-penalty and --repetition-window, which
// write into it.
void add_repetition_options(CLI::App* cmd, SearchSettings& search);

}  // namespace mlstm::app
