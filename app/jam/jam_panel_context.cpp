#include "jam/jam_panel_context.hpp"

#include "jam/bundled_files.hpp"
#include "midi/midi_system.hpp"
#include "panel/panel_settings.hpp"

namespace mlstm::app {
namespace {

// A session call that may throw, as the panel's error line (empty: it worked).
template <typename F>
std::string error_line(F&& call) {
  try {
    call();
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace

ui::PanelContext jam_panel_context(const JamArgs& a, rt::Jam& jam, rt::Session& session,
                                   rt::InputRouter& keyboard, ModelSwap& swap,
                                   const rt::SessionReport& shown) {
  const rt::MidiSystem midi = rt::parse_midi_system(a.cli.midi_api);
  return ui::PanelContext{
      .knobs = jam.knobs(),
      .engine = session.engine(),
      .performer = jam.performer(),
      .keyboard = keyboard,
      .report = [&shown] { return shown; },
      .player = a.cli.options.player,
      .model = a.cli.options.model,
      .status = "music-lstm on " + session.describe(),
      .start_recording =
          [&session](const std::string& path) {
            return error_line([&] { session.start_recording(path); });
          },
      .stop_recording = [&session] { return error_line([&] { session.stop_recording(); }); },
      .recording = [&session] { return session.recording_path(); },
      .load_model = [&swap](const std::string& path) { swap.load(path); },
      .model_status =
          [&swap] {
            return ui::StatusLine{swap.status(), swap.failed()};
          },
      .midi_ports = [midi] { return rt::list_midi_inputs(midi); },
      .switch_midi_input =
          [&session, midi](const std::string& port) {
            return session.switch_midi_input(rt::MidiInputOptions{
                .system = midi, .port = port.empty() ? "in" : port, .virtual_port = port.empty()});
          },
      .audio_devices =
          [&session] {
            std::vector<std::string> names;
            for (const auto& d : session.audio_devices()) names.push_back(d.name);
            return names;
          },
      .switch_audio_device =
          [&session](const std::string& name) { return session.switch_audio_device(name); },
      .describe = [&session] { return "music-lstm on " + session.describe(); },
      .link_status = [&session] { return session.link_status(); },
      .preset_dirs = {find_bundled("presets/call-and-response.json")
                          .value_or(std::filesystem::path("presets/x"))
                          .parent_path(),
                      ui::config_dir() / "presets"},
      .user_presets = ui::config_dir() / "presets"};
}

}  // namespace mlstm::app
