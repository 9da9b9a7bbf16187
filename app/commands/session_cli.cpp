#include "commands/session_cli.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "io/atomic_file.hpp"

namespace mlstm::app {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) {
  g_stop.store(true);
}

}  // namespace

void catch_stop_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool stop_requested() {
  return g_stop.load();
}

void add_session_options(CLI::App* cmd, SessionCli& cli) {
  auto& o = cli.options;
  cmd->add_option("--soundfont", o.soundfont,
                  "General MIDI soundfont (.sf2); default: Debian's FluidR3_GM");
  cmd->add_option("--gain", o.gain, "FluidSynth's master gain")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 5.0));
  cmd->add_option("--polyphony", o.polyphony,
                  "Voices the synthesizer renders at most (bounds the audio thread's work)")
      ->capture_default_str()
      ->check(CLI::Range(16, 1024));
  cmd->add_option("--audio-api", o.audio.host_api,
                  "Audio system: JACK (through libjack), or a PortAudio host API (ALSA, ...); "
                  "default: JACK when a server runs");
  cmd->add_option("--audio-device", o.audio.device,
                  "Output device, by number or part of its name; on JACK a client to connect to "
                  "(default: the physical playback ports); music-lstm devices lists them");
  cmd->add_option("--sample-rate", o.audio.sample_rate, "Hz; must match JACK's when on JACK")
      ->capture_default_str()
      ->check(CLI::Range(8000, 96000));
  cmd->add_option("--buffer", o.audio.block_frames,
                  "Audio buffer in frames (on JACK the server's period decides)")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  cmd->add_option("--player-program", o.player.program,
                  "General MIDI program of the player's voice")
      ->capture_default_str()
      ->check(CLI::Range(0, 127));
  cmd->add_option("--player-volume", o.player.volume, "Volume of the player's voice, 0..127")
      ->capture_default_str()
      ->check(CLI::Range(0, 127));
  cmd->add_option("--record", cli.record,
                  "Record everything heard into this 2-track MIDI file (saved every 2 s)");
  cmd->add_option("--record-audio", cli.capture_wav, "Also write what is heard into this WAV file");
  cmd->add_option("--midi-api", cli.midi_api, "MIDI system: auto (JACK, then ALSA), jack or alsa")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "jack", "alsa"}, CLI::ignore_case));
  cmd->add_option("--midi-out", cli.midi_out,
                  "Also send the model's notes to this MIDI port (number or name)");
  cmd->add_flag("--midi-out-virtual", cli.midi_out_virtual,
                "Open a MIDI output port for the model's notes that others connect to (the jam "
                "on JACK: music-lstm:out, frame-exact; otherwise music-lstm-out:out)");
  cmd->add_flag("--midi-out-only", cli.model_only_on_midi_out,
                "The model plays only on MIDI out, not through FluidSynth");
  cmd->add_option("--stats-json", cli.stats_json,
                  "Write the session's counts (notes, malformed messages, xruns, callback times) "
                  "here at the end");
}

void finish_session_options(SessionCli& cli) {
  auto& o = cli.options;
  if (!cli.record.empty()) o.record = cli.record;
  if (!cli.capture_wav.empty()) o.capture_wav = cli.capture_wav;
  const rt::MidiSystem system = rt::parse_midi_system(cli.midi_api);
  if (cli.midi_out_virtual || !cli.midi_out.empty()) {
    o.midi_out = rt::MidiOutputOptions{
        .system = system, .port = cli.midi_out, .virtual_port = cli.midi_out_virtual};
  }
  if (o.midi_in) o.midi_in->system = system;
  o.model_to_synth = !cli.model_only_on_midi_out;
  if (cli.model_only_on_midi_out && !o.midi_out) {
    throw rt::DeviceError("--midi-out-only needs --midi-out PORT or --midi-out-virtual");
  }
}

int run_until(rt::Session& session, const std::function<bool()>& done) {
  while (!stop_requested() && !done()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bool audio_lost = false;
    const std::string lines = session.poll(audio_lost);
    if (!lines.empty()) std::fprintf(stderr, "music-lstm: %s\n", lines.c_str());
    if (audio_lost) return 1;
  }
  return 0;
}

StallWatchdog::StallWatchdog(double seconds, std::string what)
    : thread_([this, seconds, what = std::move(what)] {
        std::unique_lock lock(mutex_);
        if (done_.wait_for(lock, std::chrono::duration<double>(seconds),
                           [this] { return finished_; })) {
          return;
        }
        std::fprintf(stderr,
                     "music-lstm: %s did not finish within %.0f s (a stalled JACK server? "
                     "restart it); exiting\n",
                     what.c_str(), seconds);
        std::fflush(stderr);
        std::_Exit(1);
      }) {}

StallWatchdog::~StallWatchdog() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  done_.notify_all();
  thread_.join();
}

void finish_report(const rt::Session& session, const SessionCli& cli, const nlohmann::json& extra) {
  const rt::SessionReport r = session.report();
  std::printf("%llu notes in, %llu events played, %llu late, %llu malformed messages, %llu dropped",
              static_cast<unsigned long long>(r.notes_in),
              static_cast<unsigned long long>(r.events_applied),
              static_cast<unsigned long long>(r.late_events),
              static_cast<unsigned long long>(r.malformed),
              static_cast<unsigned long long>(r.input_dropped + r.engine_dropped));
  // Offline there is no device: no callbacks, no xruns to speak of.
  if (r.callbacks > 0) {
    std::printf(
        "; %llu xruns (%llu from our callback, %llu notified by the audio system); audio "
        "callback mean %.3f ms, max %.3f ms of a %.2f ms period",
        static_cast<unsigned long long>(r.xruns), static_cast<unsigned long long>(r.overruns),
        static_cast<unsigned long long>(r.xrun_notifications), r.callback_mean_ms,
        r.callback_max_ms, r.period_ms);
  }
  std::printf("\n");
  if (!cli.record.empty()) std::printf("recording: %s\n", cli.record.c_str());
  if (!cli.capture_wav.empty()) std::printf("audio: %s\n", cli.capture_wav.c_str());
  if (!cli.stats_json.empty()) {
    nlohmann::json j = nlohmann::json::parse(r.to_json());
    j.update(extra);
    write_file_atomically(cli.stats_json, j.dump() + "\n");
  }
}

}  // namespace mlstm::app
