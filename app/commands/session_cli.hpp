#pragma once
// What `play`, `listen` and (later) `jam` share: the audio, soundfont and recording options, and
// the loop that runs a real-time session until it ends or Ctrl-C.

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

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

// Guards a step that waits on the audio server (opening the device, stopping it): if the step
// has not ended `seconds` later (a stalled JACK server), says so in one line and exits with code
// 1 instead of hanging. Session::stop saves the recording before anything waits on a server, so
// nothing is lost.
class StallWatchdog {
 public:
  StallWatchdog(double seconds, std::string what);
  ~StallWatchdog();
  StallWatchdog(const StallWatchdog&) = delete;
  StallWatchdog& operator=(const StallWatchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::thread thread_;
};

// Prints the summary line and writes --stats-json if asked, with `extra`'s fields added (the
// jam's counts).
void finish_report(const rt::Session& session, const SessionCli& cli,
                   const nlohmann::json& extra = nlohmann::json::object());

}  // namespace mlstm::app
