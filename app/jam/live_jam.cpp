#include "jam/live_jam.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "jam/control_lines.hpp"
#ifdef MUSIC_LSTM_HAVE_UI
#include "backends/glfw_window.hpp"
#include "jam/jam_panel_context.hpp"
#include "jam/model_swap.hpp"
#include "panel/jam_panel.hpp"
#include "panel/panel_settings.hpp"
#endif

namespace mlstm::app {
namespace {

#ifdef MUSIC_LSTM_HAVE_UI
bool wants_panel(const JamArgs& a, bool offline) {
  return !a.headless && !offline && !a.demo && ui::display_available();
}

// The panel, its window and the model swap behind its model picker; none without a display.
struct PanelParts {
  ui::PanelMemory memory;
  std::unique_ptr<ui::PanelWindow> window;
  std::unique_ptr<ModelSwap> swap;
  std::unique_ptr<ui::JamPanel> panel;
};
#endif

}  // namespace

rt::JamSettings remembered_settings(const JamArgs& a, bool offline) {
#ifdef MUSIC_LSTM_HAVE_UI
  if (wants_panel(a, offline)) return ui::load_panel_memory().settings.value_or(rt::JamSettings{});
#endif
  (void)a;
  (void)offline;
  return {};
}

int run_live_jam(const JamArgs& a, rt::Jam& jam, rt::Session& session, const LiveModel& model,
                 std::string& playing) {
  // The panel's keyboard: a router of its own, on the engine's keyboard queue, heard by the
  // performer like the MIDI input.
  auto keyboard_listener = std::make_unique<rt::InputRouter::ListenerQueue>();
  rt::InputRouter keyboard(session.engine(), session.router_options(),
                           &session.engine().keyboard_input());
  keyboard.set_listener(keyboard_listener.get());
  keyboard.set_control_keys(&jam.control_keys());
  jam.add_player_source(*keyboard_listener);
#ifdef MUSIC_LSTM_HAVE_UI
  PanelParts ui_parts;
  if (!a.headless) {
    if (wants_panel(a, false)) ui_parts.memory = ui::load_panel_memory();
    try {
      ui_parts.window = std::make_unique<ui::PanelWindow>(
          ui::WindowOptions{.width = ui_parts.memory.width, .height = ui_parts.memory.height});
    } catch (const ui::DisplayError& e) {
      std::printf("%s: running without the panel\n", e.what());
    }
  }
  const bool window = ui_parts.window != nullptr;
#else
  const bool window = false;
#endif
  catch_stop_signals();
  {
    const StallWatchdog watchdog(20.0, "opening the audio device");
    session.start();
  }
  keyboard.set_latency_frames(session.router_options().latency_frames);  // the device's block
  std::printf("jamming on %s; %s; %s\n", session.describe().c_str(),
              rt::jam_mode_name(jam.knobs().load().mode),
              a.seconds > 0 ? "ends after --seconds"
              : window      ? "close the window or Ctrl-C to stop"
                            : "Ctrl-C or 'quit' stops");
  if (!window) {
    std::printf(
        "control lines on standard input: a setting and a value (width 8, temperature 0.8, mode "
        "continuous, ...), learn SETTING (MIDI learn), forget CC, bindings, panic, quit\n");
  }
  std::fflush(stdout);

  std::unique_ptr<ControlLines> control;
  if (!window) control = std::make_unique<ControlLines>(jam, session.engine());
  rt::SessionReport shown = session.report();
#ifdef MUSIC_LSTM_HAVE_UI
  if (window) {
    ui_parts.swap = std::make_unique<ModelSwap>(jam.worker(), model.device, model.decoder,
                                                model.context_notes, model.description);
    ui_parts.panel = std::make_unique<ui::JamPanel>(
        jam_panel_context(a, jam, session, keyboard, *ui_parts.swap, shown));
    ui_parts.window->on_key = [&ui_parts](char key, bool down) { ui_parts.panel->key(key, down); };
  }
#else
  (void)model;  // a build without the panel has no model picker
  (void)playing;
#endif
  int code = 0;
  const auto begin = std::chrono::steady_clock::now();
  auto next_poll = begin;
  while (!stop_requested() && !(control && control->quit())) {
    const auto now = std::chrono::steady_clock::now();
    if (a.seconds > 0 && now - begin >= std::chrono::duration<double>(a.seconds)) break;
    if (now >= next_poll) {
      next_poll = now + std::chrono::milliseconds(100);
      bool audio_lost = false;
      const std::string lines = session.poll(audio_lost);
      if (!lines.empty()) std::fprintf(stderr, "music-lstm: %s\n", lines.c_str());
      if (audio_lost) {
        code = 1;
        break;
      }
      shown = session.report();
    }
#ifdef MUSIC_LSTM_HAVE_UI
    if (window) {
      if (!ui_parts.window->frame([&] { ui_parts.panel->draw(); })) break;
      continue;
    }
#endif
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
#ifdef MUSIC_LSTM_HAVE_UI
  if (window) {
    if (!a.screenshot.empty()) {
      ui_parts.window->screenshot_next_frame(a.screenshot);
      ui_parts.window->frame([&] { ui_parts.panel->draw(); });
      std::printf("screenshot: %s\n", a.screenshot.c_str());
    }
    playing = ui_parts.swap->status();
    // Remembered for the next run: the window's size and these settings.
    ui_parts.memory.width = ui_parts.window->width();
    ui_parts.memory.height = ui_parts.window->height();
    ui_parts.memory.settings = jam.knobs().load();
    ui::save_panel_memory(ui_parts.memory);
  }
#endif
  {
    const StallWatchdog watchdog(15.0, "stopping the audio device");
    session.stop();
  }
  return code;
}

}  // namespace mlstm::app
