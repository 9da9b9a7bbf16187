// `music-lstm listen`: the player's MIDI input through the synthesizer, recorded: the real-time
// path of a jam with the model silent.
#include <chrono>
#include <cstdio>
#include <memory>

#include "commands/commands.hpp"
#include "commands/session_cli.hpp"

namespace mlstm::app {
namespace {

struct ListenArgs {
  SessionCli cli;
  std::string midi_in;
  std::string virtual_name;
  bool virtual_port = false;
  double seconds = 0.0;
};

int run_listen(ListenArgs& a) {
  a.cli.options.midi_in = rt::MidiInputOptions{
      .port = a.virtual_port ? (a.virtual_name.empty() ? "in" : a.virtual_name) : a.midi_in,
      .virtual_port = a.virtual_port};
  finish_session_options(a.cli);
  rt::Session session(a.cli.options);
  catch_stop_signals();
  {
    const StallWatchdog watchdog(20.0, "opening the audio device");
    session.start();
  }
  std::printf("listening on %s; %s\n", session.describe().c_str(),
              a.seconds > 0 ? "ends after --seconds" : "Ctrl-C stops");
  std::fflush(stdout);
  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(a.seconds));
  const int code =
      run_until(session, [&] { return a.seconds > 0 && std::chrono::steady_clock::now() >= end; });
  {
    const StallWatchdog watchdog(15.0, "stopping the audio device");
    session.stop();
  }
  finish_report(session, a.cli);
  return code;
}

}  // namespace

void add_listen_command(CLI::App& app) {
  auto a = std::make_shared<ListenArgs>();
  auto* cmd = app.add_subcommand(
      "listen", "Play what comes in on a MIDI port through the synthesizer, and record it");
  auto* port = cmd->add_option("--midi-in", a->midi_in,
                               "MIDI input port, by number or part of its name (default: the "
                               "first); music-lstm devices lists them");
  cmd->add_flag("--virtual", a->virtual_port,
                "Open a virtual input port 'music-lstm:in' for a keyboard or a DAW to connect to")
      ->excludes(port);
  cmd->add_option("--virtual-name", a->virtual_name, "Name of the virtual port (default: in)");
  cmd->add_option("--seconds", a->seconds, "Stop after this many seconds (default: Ctrl-C)")
      ->check(CLI::Range(0.0, 1e7));
  add_session_options(cmd, a->cli);
  cmd->callback([a] {
    const int code = run_listen(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace mlstm::app
