// `music-lstm jam`: the player plays (a MIDI port, a virtual port, or a replayed file) and the
// model answers through the same real-time engine; offline, the same jam renders into a WAV as
// fast as the machine allows. With no audio device or MIDI system, a headless demo answers a
// bundled phrase and writes WAV and MIDI files.
//
// This file keeps the choices: the options (jam/jam_args.hpp), the model, where the jam runs
// (jam/jam_place.hpp) and the session's devices. The runs themselves are jam/live_jam.hpp and
// jam/offline_jam.hpp.
#include "perform/jam.hpp"

#include <cstdio>
#include <memory>

#include "api/continuation_engine.hpp"
#include "commands/commands.hpp"
#include "jam/answer_log.hpp"
#include "jam/bundled_files.hpp"
#include "jam/jam_args.hpp"
#include "jam/jam_place.hpp"
#include "jam/live_jam.hpp"
#include "jam/offline_jam.hpp"

namespace mlstm::app {
namespace {

// The session's options for this jam: the player's input (replayed, a port or the virtual
// port), and the model's program.
void choose_devices(JamArgs& a, const rt::JamSettings& settings, bool offline) {
  if (!a.replay.empty()) a.cli.options.replay = a.replay;
  if (!offline && a.replay.empty()) {
    a.cli.options.midi_in = rt::MidiInputOptions{
        .port = a.virtual_port ? (a.virtual_name.empty() ? "in" : a.virtual_name) : a.midi_in,
        .virtual_port = a.virtual_port};
  }
  a.cli.options.model.program = settings.model_program;
  a.cli.options.replay_delay_seconds = offline ? 0.5 : 1.0;
  finish_session_options(a.cli);
}

// Each answer as a line on standard output (and in --answers-log); the performer's lines on
// standard error.
void tell_answers(rt::Performer& performer, AnswerLog* log, int rate) {
  performer.on_answer = [log, rate](const rt::AnswerRecord& r) {
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
}

int run_jam(JamArgs& a) {
  // The panel starts from the settings it was left with, under --preset and the knob options.
  const rt::JamSettings settings = jam_settings(a, remembered_settings(a, a.offline));
  const std::filesystem::path model_file = resolve_model(a.model);
  const bool offline = choose_jam_place(a);

  // The model first: a bad model file ends here, before any device opens.
  const ComputeDevice device = a.engine.compute_device();
  std::shared_ptr<ContinuationEngine> engine =
      ContinuationEngine::load(model_file, device, 1, a.engine.decoder_path());
  const int context_notes = engine->context_notes();

  // The session runs the jam core around its instrument, as a host runs the plugin.
  choose_devices(a, settings, offline);
  rt::JamCoreOptions core;
  core.performer = {.sample_rate = a.cli.options.audio.sample_rate,
                    .model_channel = a.cli.options.model.channel,
                    .model_volume = a.cli.options.model.volume,
                    .context_notes = context_notes,
                    .sustain_pedal = engine->sustain_pedal(),
                    .buffer_frames = a.cli.options.audio.block_frames};
  core.live = !offline;
  // The session's MIDI out sends the model's events (on JACK it turns model_to_block on: its port
  // is written by the callback that runs the core); the player's MIDI is not echoed there.
  core.model_to_block = false;
  core.pass_through = false;
  a.cli.options.offline = offline;
  a.cli.options.jam_core = [&](rt::Instrument& instrument) {
    return std::make_unique<rt::JamCore>(
        [engine](std::span<const NoteFeatures> context, const SearchSettings& s) {
          return engine->continue_notes(context, s);
        },
        settings, core, &instrument);
  };
  rt::Session session(a.cli.options);
  rt::Jam& jam = session.core()->jam();
  {
    const double warm = jam.warm_up(context_notes);
    std::printf("model: %s; warmed up in %.0f ms\n", engine->description().c_str(), warm * 1000);
  }
  const int rate = session.engine().sample_rate();
  std::unique_ptr<AnswerLog> log;
  if (!a.answers_log.empty()) log = std::make_unique<AnswerLog>(a.answers_log);
  tell_answers(jam.performer(), log.get(), rate);

  int code = 0;
  std::string playing = engine->description();  // the panel may load another model
  if (offline) {
    run_offline_jam(a, jam, session);
  } else {
    code = run_live_jam(a, jam, session,
                        {device, a.engine.decoder_path(), context_notes, engine->description()},
                        playing);
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
  add_jam_options(cmd, *a);
  cmd->callback([a] {
    const int code = run_jam(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace mlstm::app
