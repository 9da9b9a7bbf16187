#pragma once
// What `play`, `listen` and (later) `jam` share: the audio, soundfont and recording options, and
// the loop that runs a real-time session until it ends or Ctrl-C.

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "session/session.hpp"

namespace mlstm::app {

struct SessionCli {
  rt::SessionOptions options;
  std::string record, capture_wav, stats_json, midi_out, midi_api = "auto";
  bool midi_out_virtual = false;
  bool model_only_on_midi_out = false;
};

// --soundfont, --gain, --audio-api, --audio-device, --sample-rate, --buffer, --record,
// --record-audio, --midi-out, --midi-out-virtual, --midi-api, --stats-json.
void add_session_options(CLI::App* cmd, SessionCli& cli);
// Fills cli.options from the parsed strings.
void finish_session_options(SessionCli& cli);

// Installs the Ctrl-C / SIGTERM handler; true once either arrived.
void catch_stop_signals();
bool stop_requested();

// Runs a started session until `done()` is true, Ctrl-C, or the audio device stops; prints port
// changes as they happen. Returns the exit code (0, or 1 when the audio device was lost).
int run_until(rt::Session& session, const std::function<bool()>& done);

// Once a session has been told to stop: if the process is still there `seconds` later (a stop
// that waits on a stalled audio server), says so and exits with code 1. The recording is saved
// before anything waits on a server (Session::stop), so nothing is lost.
void arm_exit_watchdog(double seconds);

// Prints the summary line and writes --stats-json if asked, with `extra`'s fields added (the
// jam's counts).
void finish_report(const rt::Session& session, const SessionCli& cli,
                   const nlohmann::json& extra = nlohmann::json::object());

}  // namespace mlstm::app
