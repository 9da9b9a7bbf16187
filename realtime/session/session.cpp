#include "session/session.hpp"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

#include "midi/midi_file.hpp"

namespace mlstm::rt {

std::string SessionReport::to_json() const {
  const nlohmann::json j = {{"messages", messages},
                            {"notes_in", notes_in},
                            {"clock_in", clock_in},
                            {"ignored", ignored},
                            {"sysex", sysex},
                            {"malformed", malformed},
                            {"input_dropped", input_dropped},
                            {"events_applied", events_applied},
                            {"late_events", late_events},
                            {"engine_dropped", engine_dropped},
                            {"callbacks", callbacks},
                            {"xruns", xruns},
                            {"overruns", overruns},
                            {"xrun_notifications", xrun_notifications},
                            {"callback_mean_ms", callback_mean_ms},
                            {"callback_p99_share", callback_p99_share},
                            {"callback_max_ms", callback_max_ms},
                            {"callback_cpu_max_ms", callback_cpu_max_ms},
                            {"period_ms", period_ms},
                            {"recorded_player_notes", recorded_player_notes},
                            {"recorded_model_notes", recorded_model_notes},
                            {"frames", frames},
                            {"clock_frame", clock_frame},
                            {"clock_steady_ns", clock_steady_ns}};
  return j.dump() + "\n";
}

Session::Session(const SessionOptions& options) : options_(options) {
  std::filesystem::path soundfont = options_.soundfont;
  if (soundfont.empty()) {
    const auto found = default_soundfont();
    if (!found) {
      throw SynthError(
          "no General MIDI soundfont installed: install fluid-soundfont-gm (scripts/setup.sh "
          "does), "
          "or pass --soundfont FILE.sf2");
    }
    soundfont = *found;
  }
  instrument_ = std::make_unique<FluidInstrument>(
      soundfont, FluidOptions{.sample_rate = options_.audio.sample_rate,
                              .gain = options_.gain,
                              .polyphony = options_.polyphony});
  if (options_.jam_core) {
    core_ = options_.jam_core(*instrument_);
    driver_ = std::make_unique<CoreDriver>(*core_, options_.audio.block_frames);
    engine_ = &core_->engine();
    input_ = driver_.get();
    renderer_ = driver_.get();
  } else {
    own_engine_ = std::make_unique<AudioEngine>(*instrument_, options_.audio.sample_rate);
    router_ = std::make_unique<InputRouter>(
        *own_engine_, RouterOptions{.player_channel = options_.player.channel,
                                    .latency_frames = options_.audio.block_frames});
    engine_ = own_engine_.get();
    input_ = router_.get();
    renderer_ = own_engine_.get();
  }
  engine_->model_to_synth = options_.model_to_synth;
  // The jam on JACK runs on one client (audio/jack_client.hpp): MIDI in read and MIDI out written
  // at their frames by the callback that runs the core. The client takes the MIDI input's name
  // ("music-lstm"), so its port stays "music-lstm:in".
  if (core_ && !options_.offline && uses_jack(options_.audio.host_api)) {
    jack_ = std::make_unique<JackClient>(options_.midi_in ? options_.midi_in->client
                                                          : MidiInputOptions{}.client);
  }
  if (options_.replay) {
    const MidiFile file = read_midi_file(*options_.replay);
    replay_ = std::make_unique<ReplaySource>(replay_messages(file), options_.replay_delay_seconds);
  }
  if (options_.midi_in) {
    midi_in_ = std::make_unique<MidiInput>(*options_.midi_in, *input_, jack_.get());
  }
  if (options_.midi_out) {
    midi_out_ = std::make_unique<MidiOutput>(*options_.midi_out, *engine_, jack_.get());
    // Its port is the client's: the core hands the model's events to the callback that writes it.
    if (midi_out_->jack_port()) core_->set_model_to_block(true);
  }
  if (options_.record) {
    recorder_ = std::make_unique<Recorder>(
        engine_->played(), RecorderOptions{.path = *options_.record,
                                           .sample_rate = options_.audio.sample_rate,
                                           .save_every_seconds = options_.record_every_seconds,
                                           .player_program = options_.player.program,
                                           .model_program = options_.model.program});
    engine_->record_played = true;
  }
  queue_voice_setup();
}

Session::~Session() {
  try {
    stop();
  } catch (const std::exception&) {
    // stop() already said what failed; a destructor must not throw.
  }
}

void Session::queue_voice_setup() {
  auto& control = engine_->control_input();
  for (const auto& [voice, v] :
       {std::pair{Voice::kPlayer, options_.player}, std::pair{Voice::kModel, options_.model}}) {
    control.try_push(program(voice, v.channel, v.program));
    control.try_push(rt::control(kFrameNow, voice, v.channel, 7, v.volume));
  }
}

void Session::set_input_latency(int frames) {
  if (router_) router_->set_latency_frames(frames);
  if (driver_) driver_->set_latency_frames(frames);
}

RouterOptions Session::router_options() const {
  return {.player_channel = options_.player.channel,
          .latency_frames = router_ ? router_->latency_frames() : driver_->latency_frames()};
}

JackShare Session::jack_share() {
  if (!jack_) return {};
  return {.client = jack_.get(),
          .midi_in = midi_in_ ? midi_in_->jack_port() : nullptr,
          .midi_out = midi_out_ ? midi_out_->jack_port() : nullptr};
}

void Session::start() {
  audio_ = open_audio_output(*renderer_, options_.audio, jack_share());
  set_input_latency(audio_->block_frames());
  if (options_.capture_wav)
    capture_ = std::make_unique<AudioCapture>(*engine_, *options_.capture_wav);
  if (recorder_) recorder_->start();
  if (capture_) capture_->start();
  if (midi_out_ && !midi_out_->jack_port()) midi_out_->start();
  audio_->start();
  if (midi_out_ && midi_out_->jack_port()) midi_out_->start();
  started_ = true;
  // On the jam's JACK client the ports connect once it is active.
  if (midi_in_) midi_in_->start();
  last_progress_ = std::chrono::steady_clock::now();
  sync_link();
  if (replay_) replay_->start(*input_);
  // The performer plans on the time line of the player's stamped MIDI in.
  if (core_) core_->start([driver = driver_.get()] { return driver->now(); });
}

bool Session::callbacks_alive() {
  // The audio thread counts blocks; a stream that PortAudio still calls active but whose
  // callbacks stopped (a JACK server that dropped us or hangs) shows as a count that stands still.
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t blocks = engine_->counters().blocks.load();
  if (blocks != last_blocks_) {
    last_blocks_ = blocks;
    last_progress_ = now;
  }
  return now - last_progress_ < std::chrono::seconds(2);
}

void Session::sync_link() {
  if (!core_) return;
  const JamSettings s = core_->jam().knobs().load();
  const auto say = [this](const std::string& line) {
    if (!line.empty()) pending_lines_.push_back(line);
  };
  if (!s.link && !link_) link_missing_said_ = false;  // turned off: the next on may say again
  if (s.link && !link_) {
    if (!link_built()) {
      if (!link_missing_said_) {
        link_missing_said_ = true;
        try {
          LinkSession no_link;  // says why, in one line
        } catch (const LinkError& e) {
          say(e.what());
        }
      }
      return;
    }
    const std::optional<PlayerBeat> beat = core_->jam().performer().beat();
    try {
      link_ = std::make_unique<LinkSession>(beat                             ? beat->bpm
                                            : s.metronome != Metronome::kOff ? s.metronome_bpm
                                                                             : 120.0);
    } catch (const std::exception& e) {  // Link's sockets (asio) could not be opened
      if (!link_missing_said_) {
        link_missing_said_ = true;
        say(std::string("Link could not start (") + e.what() +
            "): the jam keeps its own beat and tries again");
      }
      return;
    }
    driver_->set_transport(link_.get());
  }
  if (!link_) return;
  link_->set_quantum(s.beats_per_bar);
  if (audio_) {
    link_->set_output_latency(std::chrono::microseconds(
        static_cast<std::int64_t>(std::llround(audio_->output_latency_ms() * 1000.0))));
  }
  if (s.link != link_->enabled()) {
    link_->enable(s.link);
    if (!s.link) say("Link: off; the jam keeps its own beat");
  }
  say(link_->poll());
  // Alone in the session, the jam's beat leads it.
  link_->lead(core_->jam().performer().jam_beat().beat());
}

std::string Session::poll(bool& audio_lost) {
  std::string lines;
  sync_link();
  for (const std::string& line : pending_lines_) lines += (lines.empty() ? "" : "\n") + line;
  pending_lines_.clear();
  if (midi_in_) {
    const std::string midi = midi_in_->check_connection();
    if (!midi.empty()) lines += (lines.empty() ? "" : "\n") + midi;
  }
  audio_lost = started_ && !stopped_ && (!audio_ || !audio_->running() || !callbacks_alive());
  if (audio_lost) {
    lines += (lines.empty() ? "" : "\n") +
             std::string("the audio device stopped (JACK server gone?); saving and ending");
  }
  return lines;
}

void Session::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (core_) core_->stop();
  if (replay_) replay_->stop();
  // What must not be lost first: the recording and the captured audio, before anything that
  // talks to a server that may be gone.
  if (recorder_) recorder_->stop();
  if (capture_) capture_->stop();
  if (midi_out_) midi_out_->stop();
  // An output whose callbacks stopped would wait forever for the last one (PortAudio's stop, or
  // jack_deactivate on a hung server): it is left to the process's exit instead.
  if (audio_ && started_ && callbacks_alive()) {
    audio_->stop();
  } else if (audio_) {
    audio_.release();  // deliberately not closed: closing waits on the stalled server
  }
  midi_in_.reset();
}

OfflineResult Session::render_offline(const std::filesystem::path& wav, double seconds,
                                      double tail_seconds, int block_frames,
                                      const OfflineExtras& extras) {
  const int rate = engine_->sample_rate();
  const bool open_ended = seconds <= 0 && extras.finished;
  if (open_ended) {
    seconds = extras.max_seconds;
  } else if (seconds <= 0) {
    seconds = (replay_ ? replay_->duration() : 0.0) + tail_seconds;
  }
  const auto total = static_cast<std::int64_t>(std::llround(seconds * rate));
  std::unique_ptr<WavWriter> writer;
  if (!wav.empty()) writer = std::make_unique<WavWriter>(wav, rate);
  OfflineHooks hooks;
  std::int64_t rendered = 0;
  const auto say = [&] {
    if (extras.say) {
      for (const std::string& line : pending_lines_) extras.say(line);
    }
    pending_lines_.clear();
  };
  // With Link: frame 0 is heard now on Link's clock, and no block is rendered before its time.
  sync_link();
  const bool paced = link_ && link_->enabled();
  if (paced) {
    link_->set_origin(link_->now());
    char line[160];
    std::snprintf(line, sizeof line,
                  "Link: frame 0 is heard at %lld us on Link's clock; the render keeps pace with "
                  "it",
                  static_cast<long long>(link_->offline_time(0, rate).count()));
    pending_lines_.emplace_back(line);
  }
  say();
  // The replay hands over what is due before the block's end.
  hooks.before_block = [&](std::int64_t start, std::int64_t end) {
    if (paced) {
      const std::chrono::microseconds due = link_->offline_time(start, rate);
      for (std::chrono::microseconds now = link_->now(); now < due; now = link_->now()) {
        std::this_thread::sleep_for(std::min(due - now, std::chrono::microseconds(2000)));
      }
    }
    if (replay_) replay_->feed_until(*input_, end, rate);
  };
  hooks.after_block = [&](std::int64_t end) {
    rendered = end;
    if (recorder_) recorder_->drain();
    if (paced) {
      link_->lead(core_->jam().performer().jam_beat().beat());
      if (std::string line = link_->poll(); !line.empty())
        pending_lines_.push_back(std::move(line));
      say();
    }
  };
  if (open_ended) {
    // The end of the music, then the tail for the last notes to ring out.
    std::int64_t over_at = -1;
    hooks.stop = [&] {
      if (over_at < 0 && (!replay_ || replay_->finished()) && extras.finished(rendered)) {
        over_at = rendered;
      }
      return over_at >= 0 && rendered >= over_at + std::llround(tail_seconds * rate);
    };
  }
  const OfflineResult result = run_offline(*renderer_, total, block_frames, hooks, writer.get());
  if (writer) writer->finish();
  stopped_ = true;
  if (recorder_ && !recorder_->save()) {
    throw DeviceError("the recording could not be saved to " + recorder_->path().string());
  }
  return result;
}

void Session::start_recording(const std::filesystem::path& path) {
  stop_recording();
  recorder_ = std::make_unique<Recorder>(
      engine_->played(), RecorderOptions{.path = path,
                                         .sample_rate = options_.audio.sample_rate,
                                         .save_every_seconds = options_.record_every_seconds,
                                         .player_program = options_.player.program,
                                         .model_program = options_.model.program,
                                         .origin_frame = engine_->clock().block_frame()});
  // Events applied before this point are not this recording's.
  SynthEvent stale;
  while (engine_->played().try_pop(stale)) {
  }
  engine_->record_played = true;
  if (started_) recorder_->start();
}

void Session::stop_recording() {
  if (!recorder_) return;
  engine_->record_played = false;
  const bool saved = started_ ? recorder_->stop() : recorder_->save();
  const std::string path = recorder_->path().string();
  recorder_.reset();
  if (!saved) throw DeviceError("the recording could not be saved to " + path);
}

std::string Session::switch_midi_input(const MidiInputOptions& options) {
  if (midi_in_ && midi_in_->jack_port() &&
      resolve_midi_system(options.system) == MidiSystem::kJack) {
    // The audio callback reads this port: it stays, and only what feeds it changes.
    std::string error = midi_in_->retarget(options);
    if (error.empty()) options_.midi_in = options;
    return error;
  }
  const std::optional<MidiInputOptions> old = options_.midi_in;
  midi_in_.reset();
  try {
    midi_in_ = std::make_unique<MidiInput>(options, *input_);
    options_.midi_in = options;
    return {};
  } catch (const std::exception& e) {
    std::string error = e.what();
    if (old) {
      try {
        midi_in_ = std::make_unique<MidiInput>(*old, *input_);
      } catch (const std::exception& again) {
        error += std::string("; the old input did not reopen either: ") + again.what();
      }
    }
    return error;
  }
}

std::string Session::switch_audio_device(const std::string& device) {
  if (!started_ || stopped_) return "the session is not running";
  bool reopen = false;
  if (audio_) {
    std::string error = audio_->switch_device(device, reopen);
    if (!reopen) return error;  // moved (JACK reconnects its ports), or could not
  }
  AudioOptions next = options_.audio;
  next.device = device;
  if (audio_) audio_->stop();
  audio_.reset();
  std::string error;
  try {
    audio_ = open_audio_output(*renderer_, next, jack_share());
    audio_->start();
    options_.audio = next;
  } catch (const std::exception& e) {
    error = e.what();
    try {
      audio_ = open_audio_output(*renderer_, options_.audio, jack_share());
      audio_->start();
    } catch (const std::exception& again) {
      error += std::string("; the old device did not reopen either: ") + again.what();
    }
  }
  // The callbacks paused while the streams changed: that is not a stalled server.
  last_progress_ = std::chrono::steady_clock::now();
  return error;
}

std::vector<AudioDeviceInfo> Session::audio_devices() const {
  return audio_ && !stopped_ ? audio_->devices() : std::vector<AudioDeviceInfo>{};
}

std::string Session::recording_path() const {
  return recorder_ ? recorder_->path().string() : std::string();
}

std::string Session::describe() const {
  std::string s = audio_ ? audio_->description() : std::string("offline");
  if (midi_in_) s += "; MIDI in: " + midi_in_->description();
  if (midi_out_) s += "; MIDI out: " + midi_out_->description();
  return s;
}

SessionReport Session::report() const {
  SessionReport r;
  InputCounters in;
  if (driver_) {
    driver_->add_counts(in);
    if (midi_in_ && midi_in_->jack_port()) add_counts(in, midi_in_->jack_port()->unrouted());
  } else {
    add_counts(in, router_->counters());
  }
  r.messages = in.messages;
  r.notes_in = in.notes;
  r.clock_in = in.clock;
  r.ignored = in.ignored;
  r.sysex = in.sysex;
  r.malformed = in.malformed();
  r.input_dropped = in.dropped;
  const EngineCounters& e = engine_->counters();
  r.events_applied = e.events_applied;
  r.late_events = e.late_events;
  r.engine_dropped = e.pending_dropped + e.played_dropped + e.forwarded_dropped;
  r.frames = static_cast<std::int64_t>(e.frames.load());
  const AudioClock::Reading clock = engine_->clock().read();
  r.clock_frame = clock.frame;
  r.clock_steady_ns = clock.steady_ns;
  if (audio_) {
    const CallbackStats& s = audio_->stats();
    r.callbacks = s.count();
    r.xruns = s.xruns();
    r.overruns = s.overruns();
    r.xrun_notifications = s.notifications();
    r.callback_mean_ms = s.mean_ms();
    r.callback_p99_share = s.quantile_share(0.99);
    r.callback_max_ms = s.max_ms();
    r.callback_cpu_max_ms = s.max_cpu_ms();
    r.period_ms = s.period_ms();
  }
  if (recorder_) {
    r.recorded_player_notes = recorder_->notes(Voice::kPlayer).size();
    r.recorded_model_notes = recorder_->notes(Voice::kModel).size();
  }
  return r;
}

}  // namespace mlstm::rt
