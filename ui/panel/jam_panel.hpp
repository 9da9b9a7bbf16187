#pragma once
// The control panel of a jam: the knobs (live, through JamKnobs), the voices, panic, the piano
// roll, meters, and a keyboard to play on without a MIDI keyboard (the mouse on the on-screen
// keys, or the computer keyboard as a piano). It only reads what the session and the performer
// publish and writes knobs and queued events: it never waits on the engine.
//
// Dear ImGui widgets only; the window and the GL context are the backend's (ui/backends/).

#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/audio_engine.hpp"
#include "midi/input_router.hpp"
#include "panel/computer_keyboard.hpp"
#include "perform/performer.hpp"
#include "session/session.hpp"

namespace mlstm::ui {

// A line that says how something went. An error is shown whole at once; anything else keeps to
// one line (clipped, whole in a tooltip) so that the controls under it keep their places.
struct StatusLine {
  std::string text;
  bool error = false;
};

struct PanelContext {
  rt::JamKnobs& knobs;
  rt::AudioEngine& engine;
  rt::Performer& performer;
  rt::InputRouter& keyboard;  // the panel's own router, on the engine's keyboard queue
  std::function<rt::SessionReport()> report;
  rt::VoiceSettings player, model;
  std::string status;  // one line: devices
  // Recording from the panel: start into a file (replacing one under way), stop; each returns an
  // error line or empty. recording() is the file being written, empty when none.
  std::function<std::string(const std::string&)> start_recording;
  std::function<std::string()> stop_recording;
  std::function<std::string()> recording;
  // Another model while the jam runs: loads in the background; model_status() says which model
  // plays and how the last load went.
  std::function<void(const std::string&)> load_model;
  std::function<StatusLine()> model_status;
  // Devices while the jam runs: the MIDI input ports there are now, a switch to one ("" for the
  // virtual port), the audio devices there are now and a switch to one; the
  // switches return an error line or empty. status() is the one-line description shown on top.
  std::function<std::vector<std::string>()> midi_ports;
  std::function<std::string(const std::string&)> switch_midi_input;
  std::function<std::vector<std::string>()> audio_devices;
  std::function<std::string(const std::string&)> switch_audio_device;
  std::function<std::string()> describe;
  // The Link session's line ("Link: 1 peer at 100.0 bpm"), empty while the link knob is off.
  std::function<std::string()> link_status;
  // Where presets are listed from (the shipped ones, the user's), and where "save" writes.
  std::vector<std::filesystem::path> preset_dirs;
  std::filesystem::path user_presets;
};

class JamPanel {
 public:
  explicit JamPanel(PanelContext context);

  // The widgets of one frame, filling the main viewport.
  void draw();
  // A key of the computer keyboard went down or up (US-layout character); ignored while a text
  // field has the keyboard.
  void key(char key, bool down);

 private:
  void draw_controls();
  void draw_metronome(const rt::PerformerView& view);  // the beat light and the tempo
  void draw_midi_learn(const rt::JamSettings& s);      // MIDI learn and the bindings
  void draw_voices();
  void draw_meters(const rt::PerformerView& view);
  void draw_on_screen_keyboard();
  void draw_presets();
  void draw_recording_and_model();
  void draw_devices();
  void note(int pitch, bool on);

  PanelContext c_;
  ComputerKeyboard computer_;
  std::array<bool, 128> sounding_{};  // notes the panel has on, so each gets its note-off
  int mouse_note_ = -1;
  std::vector<std::filesystem::path> presets_;
  std::array<char, 64> preset_name_{};
  std::string preset_message_;
  std::array<char, 256> record_file_{};
  std::array<char, 256> model_file_{};
  int learn_choice_ = 0;  // the MIDI learn target chosen in the popup
  StatusLine record_message_;
  std::vector<std::string> ports_, audio_devices_;
  std::string device_message_;
};

}  // namespace mlstm::ui
