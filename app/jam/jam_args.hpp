#pragma once
// What `music-lstm jam` is told on its command line: the model and where it runs, the player's
// MIDI (a port, a virtual port or a replayed file), how it runs (live, offline, the demo), the
// knobs (one option per row of the knob table) and MIDI learn's bindings.

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "commands/engine_cli.hpp"
#include "commands/session_cli.hpp"
#include "perform/jam_settings.hpp"

namespace mlstm::app {

struct JamArgs {
  SessionCli cli;
  std::string model, midi_in, virtual_name, replay, preset, render, answers_log;
  EngineChoice engine;
  std::string demo_dir = "music-lstm-demo", screenshot;
  bool virtual_port = false, headless = false, offline = false, no_speculation = false;
  bool demo = false;
  double seconds = 0.0;
  std::map<std::string, std::string> knobs;  // given on the command line, over the preset
  std::vector<std::string> binds;            // --bind CC=TARGET
};

// [main-thread] Every option of `jam`, writing into `a`, with the examples in the footer.
void add_jam_options(CLI::App* cmd, JamArgs& a);

// The jam's settings: `start` (the panel's memory, or the defaults), then --preset, then the
// knobs given, then --no-speculation and the --bind bindings. Throws std::invalid_argument (an
// option that is wrong: which, and what it takes) or rt::PresetError.
rt::JamSettings jam_settings(const JamArgs& a, rt::JamSettings start);

}  // namespace mlstm::app
