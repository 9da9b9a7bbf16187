#include "jam/jam_args.hpp"

#include <stdexcept>

#include "jam/knob_options.hpp"
#include "perform/jam_preset.hpp"

namespace mlstm::app {

void add_jam_options(CLI::App* cmd, JamArgs& a) {
  cmd->add_option("--model", a.model, "Model checkpoint (default: models/default/model.ckpt)");
  add_engine_options(cmd, a.engine);
  auto* port = cmd->add_option("--midi-in", a.midi_in,
                               "MIDI input port, by number or part of its name; music-lstm "
                               "devices lists them");
  auto* virt = cmd->add_flag("--virtual", a.virtual_port,
                             "Open a virtual input port 'music-lstm:in' (the default when no "
                             "input is given)");
  virt->excludes(port);
  cmd->add_option("--virtual-name", a.virtual_name, "Name of the virtual port (default: in)");
  cmd->add_option("--replay", a.replay, "Play this MIDI file as the player's part")
      ->check(CLI::ExistingFile)
      ->excludes(port)
      ->excludes(virt);
  cmd->add_option("--preset", a.preset, "Jam settings from a JSON preset (presets/*.json)");
  cmd->add_flag("--headless", a.headless,
                "No panel; knobs from the command line and from control lines on standard input");
  cmd->add_option("--screenshot", a.screenshot,
                  "With the panel: save what it shows as a PNG when the jam ends (see --seconds)");
  cmd->add_flag("--offline", a.offline,
                "Replay and answer through the offline audio path into --render, faster than "
                "real time and deterministic");
  cmd->add_option("--render", a.render,
                  "With --offline: the WAV file to write (without it, only --record is written)");
  cmd->add_flag("--demo", a.demo,
                "The headless demo: answer a bundled phrase offline, write WAV and MIDI");
  cmd->add_option("--demo-dir", a.demo_dir, "Where the demo writes its files")
      ->capture_default_str();
  cmd->add_option("--seconds", a.seconds,
                  "Stop after this many seconds (offline: of audio; default: when the music ends)")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--answers-log", a.answers_log,
                  "Write each answer (timing, settings, context, notes) as a JSON line here");
  cmd->add_option("--bind", a.binds,
                  "Bind a MIDI controller, or a key outside your playing range (then neither "
                  "heard nor recorded), to a setting or an action, e.g. 1=temperature, "
                  "64=answer-now, key:21=stop-answer (also next-mode); repeat for more. While the "
                  "jam runs: 'learn temperature' binds the next controller you move or key you "
                  "press")
      ->type_name("CC=TARGET");
  cmd->add_flag("--no-speculation", a.no_speculation,
                "Compute an answer only when the phrase ends (for comparison)");
  // The knobs (realtime/perform/knob_table.hpp); each also takes effect live from a control line
  // ("width 8").
  add_knob_options(cmd, a.knobs);
  add_session_options(cmd, a.cli);
  cmd->footer(
      "Examples:\n"
      "  music-lstm jam --virtual                 # connect a keyboard to music-lstm:in\n"
      "  music-lstm jam --replay phrase.mid --offline --render jam.wav --record jam.mid\n"
      "  music-lstm jam --demo                    # no audio device needed\n"
      "While it runs, type a setting and a value (width 4, mode continuous), learn SETTING, "
      "panic, or quit.");
}

rt::JamSettings jam_settings(const JamArgs& a, rt::JamSettings s) {
  if (!a.preset.empty()) rt::load_preset(a.preset, s);
  apply_knob_options(a.knobs, s);
  if (a.no_speculation) s.speculate = false;
  for (const std::string& text : a.binds) {
    const auto eq = text.find('=');
    rt::ControllerBinding b;
    if (eq == std::string::npos || !rt::parse_control_name(text.substr(0, eq), b)) {
      throw std::invalid_argument("--bind " + text +
                                  ": must be a controller number (or a key, key:21) and what it "
                                  "controls, e.g. --bind 1=temperature, --bind 64=answer-now or "
                                  "--bind key:21=stop-answer");
    }
    b.target = text.substr(eq + 1);
    if (const std::string error = rt::binding_target_error(b.target); !error.empty()) {
      throw std::invalid_argument("--bind " + text + ": " + error);
    }
    rt::add_binding(s.bindings, b);
  }
  return s;
}

}  // namespace mlstm::app
