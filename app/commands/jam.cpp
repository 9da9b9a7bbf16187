// `music-lstm jam`: the player plays (a MIDI port, a virtual port, or a replayed file) and the
// model answers through the same real-time engine; offline, the same jam renders into a WAV as
// fast as the machine allows. With no audio device or MIDI system, a headless demo answers a
// bundled phrase and writes WAV and MIDI files.
#include "perform/jam.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

#include "api/continuation_engine.hpp"
#include "audio/audio_output.hpp"
#include "commands/commands.hpp"
#include "commands/engine_cli.hpp"
#include "commands/session_cli.hpp"
#include "jam/answer_log.hpp"
#include "jam/bundled_files.hpp"
#include "jam/knob_options.hpp"
#include "jam/model_swap.hpp"
#include "perform/jam_preset.hpp"
#ifdef MUSIC_LSTM_HAVE_UI
#include "backends/glfw_window.hpp"
#include "panel/jam_panel.hpp"
#include "panel/panel_settings.hpp"
#endif

namespace mlstm::app {
namespace {

constexpr const char* kDemoPhrase = "assets/demo/phrase.mid";

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

rt::JamSettings jam_settings(const JamArgs& a, rt::JamSettings s) {
  if (!a.preset.empty()) rt::load_preset(a.preset, s);
  for (const auto& [name, value] : a.knobs) {
    if (const std::string error = rt::set_knob(s, name, value); !error.empty()) {
      throw std::invalid_argument("--" + name + " " + value + ": " +
                                  error.substr(error.find(": ") + 2));
    }
  }
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

// Why a live jam cannot run here (no audio output device, no MIDI system), or empty.
std::string live_blocker(const JamArgs& a) {
  {
    const StallWatchdog watchdog(20.0, "looking for audio devices");
    if (rt::list_audio_devices(a.cli.options.audio.host_api).empty())
      return "no audio output device";
  }
  if (a.replay.empty()) {
    try {
      rt::resolve_midi_system(rt::parse_midi_system(a.cli.midi_api));
    } catch (const rt::DeviceError&) {
      return "no MIDI system (no JACK server, no ALSA sequencer)";
    }
  }
  return {};
}

// Reads control lines ("width 8", "mode continuous", "panic", "quit") from standard input while
// the jam runs, without blocking the control loop: a script or a test can turn the knobs.
class ControlLines {
 public:
  ControlLines(rt::Jam& jam, rt::AudioEngine& engine)
      : jam_(jam), knobs_(jam.knobs()), engine_(engine), thread_([this] { run(); }) {}
  ~ControlLines() {
    stop_ = true;
    thread_.join();
  }
  bool quit() const { return quit_.load(); }

 private:
  void run() {
    std::string pending;
    while (!stop_) {
      pollfd fd{STDIN_FILENO, POLLIN, 0};
      if (::poll(&fd, 1, 100) <= 0 || !(fd.revents & (POLLIN | POLLHUP))) continue;
      char buffer[256];
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n <= 0) return;  // end of input: the jam goes on without it
      pending.append(buffer, static_cast<std::size_t>(n));
      for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
        handle(pending.substr(0, nl));
        pending.erase(0, nl + 1);
      }
    }
  }
  void handle(const std::string& line) {
    const auto space = line.find(' ');
    const std::string name = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (name.empty()) return;
    if (name == "quit") {
      quit_ = true;
    } else if (name == "learn") {
      const std::string error = jam_.performer().learn(value);
      std::fprintf(stderr, "music-lstm: %s\n",
                   error.empty()
                       ? ("move a controller or press a key to bind it to " + value).c_str()
                       : error.c_str());
    } else if (name == "forget") {
      rt::ControllerBinding named;
      const bool is_control = rt::parse_control_name(value, named);
      std::size_t forgotten = 0;
      knobs_.update([&](rt::JamSettings& s) {
        forgotten = std::erase_if(s.bindings, [&](const rt::ControllerBinding& b) {
          return (is_control && b.controller == named.controller && b.key == named.key) ||
                 b.target == value;
        });
        return std::string();
      });
      std::fprintf(stderr, "music-lstm: %s\n",
                   forgotten == 0 ? ("no controller is bound to " + value).c_str()
                                  : ("forgot " + value).c_str());
    } else if (name == "bindings") {
      std::string list;
      for (const auto& b : knobs_.load().bindings) {
        list += (list.empty() ? "" : ", ") + rt::control_name(b) + " " + b.target;
      }
      std::fprintf(stderr, "music-lstm: controllers: %s\n", list.empty() ? "none" : list.c_str());
    } else if (name == "panic") {
      engine_.control_input().try_push(
          {rt::kFrameNow, rt::EventKind::kPanic, rt::Voice::kModel, 0, 0, 0});
      std::fprintf(stderr, "music-lstm: panic: every note off\n");
    } else if (const std::string error = knobs_.set(name, value); !error.empty()) {
      std::fprintf(stderr, "music-lstm: %s\n", error.c_str());
    } else {
      std::fprintf(stderr, "music-lstm: %s is now %s\n", name.c_str(),
                   rt::knob_value(knobs_.load(), name).c_str());
    }
  }

  rt::Jam& jam_;
  rt::JamKnobs& knobs_;
  rt::AudioEngine& engine_;
  std::atomic<bool> stop_{false}, quit_{false};
  std::thread thread_;
};

int run_jam(JamArgs& a) {
#ifdef MUSIC_LSTM_HAVE_UI
  // The panel starts from the settings it was left with, under --preset and the knob options.
  ui::PanelMemory memory;
  if (!a.headless && !a.offline && !a.demo && ui::display_available()) {
    memory = ui::load_panel_memory();
  }
  rt::JamSettings settings = jam_settings(a, memory.settings.value_or(rt::JamSettings{}));
#else
  rt::JamSettings settings = jam_settings(a, rt::JamSettings{});
#endif
  const std::filesystem::path model_file = resolve_model(a.model);

  // Where the jam runs: live, offline (asked), or the demo (asked, or nothing to play live on).
  bool offline = a.offline;
  if (!offline && !a.demo) {
    const std::string blocker = live_blocker(a);
    if (!blocker.empty()) {
      if (!a.midi_in.empty() || a.virtual_port) {
        throw rt::DeviceError(blocker +
                              ": a live jam needs one (music-lstm devices shows what "
                              "there is); --offline --render out.wav works without");
      }
      std::printf("%s here: running the headless demo instead (offline, into %s/)\n",
                  blocker.c_str(), a.demo_dir.c_str());
      a.demo = true;
    }
  }
  if (a.demo) {
    offline = true;
    if (a.replay.empty()) {
      const auto phrase = find_bundled(kDemoPhrase);
      if (!phrase) {
        throw std::runtime_error(std::string("the demo phrase ") + kDemoPhrase +
                                 " is missing from this installation; pass --replay FILE.mid");
      }
      a.replay = phrase->string();
    }
    std::filesystem::create_directories(a.demo_dir);
    if (a.render.empty()) a.render = a.demo_dir + "/jam-demo.wav";
    if (a.cli.record.empty()) a.cli.record = a.demo_dir + "/jam-demo.mid";
  }
  if (offline && a.replay.empty()) {
    throw std::invalid_argument("--offline needs --replay FILE.mid (the player's part)");
  }
  if (!offline && a.replay.empty() && a.midi_in.empty()) a.virtual_port = true;

  // The model first: a bad model file ends here, before any device opens.
  const ComputeDevice device = a.engine.compute_device();
  std::shared_ptr<ContinuationEngine> engine =
      ContinuationEngine::load(model_file, device, 1, a.engine.decoder_path());
  const int context_notes = engine->context_notes();
  rt::Jam jam([engine](std::span<const NoteFeatures> context,
                       const SearchSettings& s) { return engine->continue_notes(context, s); },
              settings, !offline);
  {
    const double warm = jam.warm_up(context_notes);
    std::printf("model: %s; warmed up in %.0f ms\n", engine->description().c_str(), warm * 1000);
  }

  if (!a.replay.empty()) a.cli.options.replay = a.replay;
  if (!offline && a.replay.empty()) {
    a.cli.options.midi_in = rt::MidiInputOptions{
        .port = a.virtual_port ? (a.virtual_name.empty() ? "in" : a.virtual_name) : a.midi_in,
        .virtual_port = a.virtual_port};
  }
  a.cli.options.listener = &jam.player_input();
  a.cli.options.control_keys = &jam.control_keys();
  a.cli.options.model.program = settings.model_program;
  a.cli.options.replay_delay_seconds = offline ? 0.5 : 1.0;
  finish_session_options(a.cli);
  rt::Session session(a.cli.options);

  const int rate = session.engine().sample_rate();
  const int buffer = a.cli.options.audio.block_frames;
  jam.attach(session.engine(), {.sample_rate = rate,
                                .model_channel = a.cli.options.model.channel,
                                .model_volume = a.cli.options.model.volume,
                                .context_notes = context_notes,
                                .sustain_pedal = engine->sustain_pedal(),
                                .buffer_frames = buffer});
  rt::Performer& performer = jam.performer();
  std::unique_ptr<AnswerLog> log;
  if (!a.answers_log.empty()) log = std::make_unique<AnswerLog>(a.answers_log);
  performer.on_answer = [&](const rt::AnswerRecord& r) {
    if (log) log->write(r, rate);
    std::printf("answer %llu: %zu notes from %.2f s%s (inference %.0f ms, width %d)\n",
                static_cast<unsigned long long>(r.index), r.answer.notes.size(),
                static_cast<double>(r.start) / rate,
                r.chained ? ", chained" : (r.ready_in_time ? ", ready at the phrase end" : ""),
                r.answer.seconds * 1000.0, r.answer.settings.width);
    std::fflush(stdout);
  };
  performer.on_message = [](const std::string& line) {
    std::fprintf(stderr, "music-lstm: %s\n", line.c_str());
  };

  int code = 0;
  std::string playing = engine->description();  // the panel may load another model
  if (offline) {
    rt::OfflineExtras extras;
    extras.before_block = [&](std::int64_t start) { jam.tick(start); };
    extras.finished = [&](std::int64_t end) { return jam.idle(end); };
    // Continuous mode never runs out of music by itself.
    extras.max_seconds = session.replay_duration() + 120.0;
    const rt::OfflineResult r = session.render_offline(a.render, a.seconds, 2.0, buffer, extras);
    if (a.render.empty()) {
      std::printf("ran %.1f s of audio offline (not written: no --render)\n",
                  static_cast<double>(r.frames) / rate);
    } else {
      std::printf("rendered %s: %.1f s of audio, peak %.2f\n", a.render.c_str(),
                  static_cast<double>(r.frames) / rate, r.peak);
    }
  } else {
    // The panel's keyboard: a router of its own, on the engine's keyboard queue, heard by the
    // performer like the MIDI input.
    auto keyboard_listener = std::make_unique<rt::InputRouter::ListenerQueue>();
    rt::InputRouter keyboard(session.engine(), session.router().options(),
                             &session.engine().keyboard_input());
    keyboard.set_listener(keyboard_listener.get());
    keyboard.set_control_keys(&jam.control_keys());
    jam.add_player_source(*keyboard_listener);
#ifdef MUSIC_LSTM_HAVE_UI
    std::unique_ptr<ui::PanelWindow> window;
    if (!a.headless) {
      try {
        window = std::make_unique<ui::PanelWindow>(
            ui::WindowOptions{.width = memory.width, .height = memory.height});
      } catch (const ui::DisplayError& e) {
        std::printf("%s: running without the panel\n", e.what());
      }
    }
#else
    const std::unique_ptr<int> window;  // this build has no panel
#endif
    catch_stop_signals();
    {
      const StallWatchdog watchdog(20.0, "opening the audio device");
      session.start();
    }
    keyboard.set_latency_frames(session.router().latency_frames());  // the device's block
    std::printf("jamming on %s; %s; %s\n", session.describe().c_str(),
                rt::jam_mode_name(settings.mode),
                a.seconds > 0 ? "ends after --seconds"
                : window      ? "close the window or Ctrl-C to stop"
                              : "Ctrl-C or 'quit' stops");
    if (!window) {
      std::printf(
          "control lines on standard input: a setting and a value (width 8, temperature "
          "0.8, mode continuous, ...), learn SETTING (MIDI learn), forget CC, bindings, panic, "
          "quit\n");
    }
    std::fflush(stdout);

    jam.start([&session] {
      const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::steady_clock::now().time_since_epoch())
                              .count();
      return session.engine().clock().frame_at(now_ns) + session.router().latency_frames();
    });
    // The jam's thread reads the session: it stops before the session goes, however this ends.
    const std::unique_ptr<rt::Jam, void (*)(rt::Jam*)> stop_jam(&jam,
                                                                [](rt::Jam* j) { j->stop(); });
    std::unique_ptr<ControlLines> control;
    if (!window) control = std::make_unique<ControlLines>(jam, session.engine());
    rt::SessionReport shown = session.report();
#ifdef MUSIC_LSTM_HAVE_UI
    std::unique_ptr<ui::JamPanel> panel;
    std::unique_ptr<ModelSwap> swap;
    if (window) {
      swap = std::make_unique<ModelSwap>(jam.worker(), device, a.engine.decoder_path(),
                                         context_notes, engine->description());
      panel = std::make_unique<ui::JamPanel>(ui::PanelContext{
          .knobs = jam.knobs(),
          .engine = session.engine(),
          .performer = performer,
          .keyboard = keyboard,
          .report = [&shown] { return shown; },
          .player = a.cli.options.player,
          .model = a.cli.options.model,
          .status = "music-lstm on " + session.describe(),
          .start_recording =
              [&session](const std::string& path) {
                try {
                  session.start_recording(path);
                  return std::string();
                } catch (const std::exception& e) {
                  return std::string(e.what());
                }
              },
          .stop_recording =
              [&session] {
                try {
                  session.stop_recording();
                  return std::string();
                } catch (const std::exception& e) {
                  return std::string(e.what());
                }
              },
          .recording = [&session] { return session.recording_path(); },
          .load_model = [&swap](const std::string& path) { swap->load(path); },
          .model_status =
              [&swap] {
                return ui::StatusLine{swap->status(), swap->failed()};
              },
          .midi_ports =
              [&a] { return rt::list_midi_inputs(rt::parse_midi_system(a.cli.midi_api)); },
          .switch_midi_input =
              [&session, &a](const std::string& port) {
                return session.switch_midi_input(
                    rt::MidiInputOptions{.system = rt::parse_midi_system(a.cli.midi_api),
                                         .port = port.empty() ? "in" : port,
                                         .virtual_port = port.empty()});
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
          .preset_dirs = {find_bundled("presets/call-and-response.json")
                              .value_or(std::filesystem::path("presets/x"))
                              .parent_path(),
                          ui::config_dir() / "presets"},
          .user_presets = ui::config_dir() / "presets"});
      window->on_key = [&panel](char key, bool down) { panel->key(key, down); };
    }
#endif
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
        if (!window->frame([&] { panel->draw(); })) break;
        continue;
      }
#endif
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
#ifdef MUSIC_LSTM_HAVE_UI
    if (window && !a.screenshot.empty()) {
      window->screenshot_next_frame(a.screenshot);
      window->frame([&] { panel->draw(); });
      std::printf("screenshot: %s\n", a.screenshot.c_str());
    }
#endif
#ifdef MUSIC_LSTM_HAVE_UI
    if (swap) playing = swap->status();
    if (window) {
      // Remembered for the next run: the window's size and these settings.
      memory.width = window->width();
      memory.height = window->height();
      memory.settings = jam.knobs().load();
      ui::save_panel_memory(memory);
    }
#endif
    jam.stop();
    {
      const StallWatchdog watchdog(15.0, "stopping the audio device");
      session.stop();
    }
  }
  std::printf("%s\n", jam.summary().c_str());
  nlohmann::json report = jam.report();
  report["model"] = playing;
  finish_report(session, a.cli, {{"jam", report}});
  if (a.demo) {
    std::printf("demo written: %s (audio) and %s (MIDI: the phrase and the model's answer)\n",
                a.render.c_str(), a.cli.record.c_str());
  }
  return code;
}

}  // namespace

void add_jam_command(CLI::App& app) {
  auto a = std::make_shared<JamArgs>();
  auto* cmd = app.add_subcommand("jam", "Play with the model: it answers your phrases live");
  cmd->add_option("--model", a->model, "Model checkpoint (default: models/default/model.ckpt)");
  add_engine_options(cmd, a->engine);
  auto* port = cmd->add_option("--midi-in", a->midi_in,
                               "MIDI input port, by number or part of its name; music-lstm "
                               "devices lists them");
  auto* virt = cmd->add_flag("--virtual", a->virtual_port,
                             "Open a virtual input port 'music-lstm:in' (the default when no "
                             "input is given)");
  virt->excludes(port);
  cmd->add_option("--virtual-name", a->virtual_name, "Name of the virtual port (default: in)");
  cmd->add_option("--replay", a->replay, "Play this MIDI file as the player's part")
      ->check(CLI::ExistingFile)
      ->excludes(port)
      ->excludes(virt);
  cmd->add_option("--preset", a->preset, "Jam settings from a JSON preset (presets/*.json)");
  cmd->add_flag("--headless", a->headless,
                "No panel; knobs from the command line and from control lines on standard input");
  cmd->add_option("--screenshot", a->screenshot,
                  "With the panel: save what it shows as a PNG when the jam ends (see --seconds)");
  cmd->add_flag("--offline", a->offline,
                "Replay and answer through the offline audio path into --render, faster than "
                "real time and deterministic");
  cmd->add_option("--render", a->render,
                  "With --offline: the WAV file to write (without it, only --record is written)");
  cmd->add_flag("--demo", a->demo,
                "The headless demo: answer a bundled phrase offline, write WAV and MIDI");
  cmd->add_option("--demo-dir", a->demo_dir, "Where the demo writes its files")
      ->capture_default_str();
  cmd->add_option("--seconds", a->seconds,
                  "Stop after this many seconds (offline: of audio; default: when the music ends)")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--answers-log", a->answers_log,
                  "Write each answer (timing, settings, context, notes) as a JSON line here");
  cmd->add_option("--bind", a->binds,
                  "Bind a MIDI controller, or a key outside your playing range (then neither "
                  "heard nor recorded), to a setting or an action, e.g. 1=temperature, "
                  "64=answer-now, key:21=stop-answer (also next-mode); repeat for more. While the "
                  "jam runs: 'learn temperature' binds the next controller you move or key you "
                  "press")
      ->type_name("CC=TARGET");
  cmd->add_flag("--no-speculation", a->no_speculation,
                "Compute an answer only when the phrase ends (for comparison)");
  // The knobs (realtime/perform/knob_table.hpp); each also takes effect live from a control line
  // ("width 8").
  add_knob_options(cmd, a->knobs);
  add_session_options(cmd, a->cli);
  cmd->footer(
      "Examples:\n"
      "  music-lstm jam --virtual                 # connect a keyboard to music-lstm:in\n"
      "  music-lstm jam --replay phrase.mid --offline --render jam.wav --record jam.mid\n"
      "  music-lstm jam --demo                    # no audio device needed\n"
      "While it runs, type a setting and a value (width 4, mode continuous), learn SETTING, "
      "panic, or quit.");
  cmd->callback([a] {
    const int code = run_jam(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace mlstm::app
