// `music-lstm play FILE.mid`: a MIDI file through the real-time engine, as if played on a
// keyboard: to the audio device in real time, or offline into a WAV (--render).
#include <cstdio>
#include <memory>

#include "commands/commands.hpp"
#include "commands/session_cli.hpp"

namespace mlstm::app {
namespace {

struct PlayArgs {
  SessionCli cli;
  std::string file, render;
};

int run_play(PlayArgs& a) {
  a.cli.options.replay = a.file;
  a.cli.options.replay_delay_seconds = a.render.empty() ? 0.3 : 0.0;
  finish_session_options(a.cli);
  rt::Session session(a.cli.options);
  if (!a.render.empty()) {
    const auto r = session.render_offline(a.render, 0.0);
    std::printf("rendered %s: %.1f s of audio, peak %.2f\n", a.render.c_str(),
                static_cast<double>(r.frames) / a.cli.options.audio.sample_rate, r.peak);
    finish_report(session, a.cli);
    if (r.peak < 1e-4) {
      std::fprintf(stderr, "music-lstm: the rendering is silent (does the file have notes?)\n");
      return 1;
    }
    return 0;
  }
  catch_stop_signals();
  session.start();
  std::printf("playing %s (%.0f s) on %s; Ctrl-C stops\n", a.file.c_str(),
              session.replay_duration(), session.describe().c_str());
  std::fflush(stdout);
  const auto tail = std::make_shared<int>(0);
  const int code = run_until(session, [&] {
    // Two seconds after the last message, for the release.
    return session.replay_finished() && ++*tail > 20;
  });
  session.stop();
  finish_report(session, a.cli);
  return code;
}

}  // namespace

void add_play_command(CLI::App& app) {
  auto a = std::make_shared<PlayArgs>();
  auto* cmd = app.add_subcommand(
      "play", "Play a MIDI file through the real-time engine (audio device, or --render a WAV)");
  cmd->add_option("file", a->file, "MIDI file")->required();
  cmd->add_option("--render", a->render,
                  "Render offline into this WAV file instead, as fast as possible");
  add_session_options(cmd, a->cli);
  cmd->callback([a] {
    const int code = run_play(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace mlstm::app
