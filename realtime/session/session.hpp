#pragma once
// A session wires the real-time parts: the instrument and the audio engine, the audio device (or
// the offline loop), MIDI in (a port or a replayed file), MIDI out, the recorder and the audio
// capture. `music-lstm play` and `listen` run one around the audio engine alone. The jam runs one
// around the jam core (core/jam_core.hpp), as a plugin host runs the plugin: the devices drive
// its process() through core/core_driver.hpp, and its engine is the session's.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_capture.hpp"
#include "audio/audio_output.hpp"
#include "audio/jack_client.hpp"
#include "audio/offline_driver.hpp"
#include "core/core_driver.hpp"
#include "core/jam_core.hpp"
#include "engine/audio_engine.hpp"
#include "link/link_session.hpp"
#include "midi/input_router.hpp"
#include "midi/midi_input.hpp"
#include "midi/midi_output.hpp"
#include "record/recorder.hpp"
#include "replay/replay_source.hpp"
#include "synth/fluid_instrument.hpp"

namespace mlstm::rt {

struct VoiceSettings {
  int channel = 0;
  int program = 0;   // General MIDI, 0 = acoustic grand piano
  int volume = 100;  // channel volume (CC7), 0..127
};

struct SessionOptions {
  std::filesystem::path soundfont;  // empty: default_soundfont()
  double gain = 0.5;
  // Voices FluidSynth renders at most; beyond, it steals the oldest. It bounds the audio thread's
  // work under a flood of notes (each note is one or two voices with FluidR3_GM).
  int polyphony = 128;
  AudioOptions audio;
  VoiceSettings player{0, 0, 100};
  VoiceSettings model{1, 0, 100};
  std::optional<MidiInputOptions> midi_in;
  std::optional<MidiOutputOptions> midi_out;
  bool model_to_synth = true;  // false: the model plays only on MIDI out
  std::optional<std::filesystem::path> replay;
  double replay_delay_seconds = 0.5;
  std::optional<std::filesystem::path> record;
  double record_every_seconds = 2.0;
  std::optional<std::filesystem::path> capture_wav;  // real time only: the offline path writes one
  // The jam: makes the jam core around the session's instrument (the session owns it, and its
  // devices and MIDI in drive it). Empty for `play` and `listen`: the engine plays alone.
  std::function<std::unique_ptr<JamCore>(Instrument& instrument)> jam_core = {};
  // The session renders offline (render_offline) and opens no device.
  bool offline = false;
};

// What the jam adds to the offline loop: when to end.
struct OfflineExtras {
  // With `seconds` 0: true once the music is over (checked after each block, after the replay).
  std::function<bool(std::int64_t block_end)> finished = {};
  double max_seconds = 3600.0;  // with `finished`: the run ends here whatever it says
  // Lines worth telling the player while the render runs (Link's peers), as poll() returns them
  // in real time.
  std::function<void(const std::string&)> say = {};
};

// What a session counted; printed at the end and written by --stats-json.
struct SessionReport {
  std::uint64_t messages = 0, notes_in = 0, clock_in = 0, ignored = 0, sysex = 0, malformed = 0,
                input_dropped = 0;
  std::uint64_t events_applied = 0, late_events = 0, engine_dropped = 0;
  // xruns: cycles our output missed; overruns: those our own callback caused; notifications:
  // what the audio system reported, most of it about others (engine/callback_stats.hpp).
  std::uint64_t callbacks = 0, xruns = 0, overruns = 0, xrun_notifications = 0;
  double callback_mean_ms = 0, callback_p99_share = 0, callback_max_ms = 0, period_ms = 0;
  double callback_cpu_max_ms = 0;  // the most CPU time one callback worked (overruns judge by it)
  std::uint64_t recorded_player_notes = 0, recorded_model_notes = 0;
  std::int64_t frames = 0;
  // The audio clock's last reading: the frame that began at that steady-clock time.
  std::int64_t clock_frame = 0, clock_steady_ns = 0;
  std::string to_json() const;
};

class Session {
 public:
  // Loads the soundfont, reads the replay file, opens MIDI ports. Throws (one line each):
  // SynthError, DeviceError, MidiError.
  explicit Session(const SessionOptions& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Real time: opens the audio device and starts everything, the jam core's performer last.
  // Throws DeviceError, WavError.
  void start();
  // Every ~100 ms from the main thread: returns lines to print (a MIDI port that went away or came
  // back, the audio device that stopped, Link's peers). Sets `audio_lost` when the audio stream
  // ended. It also turns the Link session on and off as the link knob says.
  std::string poll(bool& audio_lost);
  // Stops (the jam core's performer first) and saves (the recording, the captured audio). Safe to
  // call twice.
  void stop();

  // Offline: replays (if any) and renders `seconds` of audio (0: to the end of the replay plus
  // `tail_seconds`) into `wav` (empty: render only), as fast as the machine allows; with the link
  // knob on, paced to Link's clock instead (frame 0 heard when the render starts), since the
  // session's peers keep real time.
  OfflineResult render_offline(const std::filesystem::path& wav, double seconds,
                               double tail_seconds = 2.0, int block_frames = 256,
                               const OfflineExtras& extras = {});

  // Real time, from the main thread: records from now into `path` (replacing a recording under
  // way, which is saved first), or stops and saves. Throws DeviceError when the old one could not
  // be saved. The path of the recording under way, empty when none.
  void start_recording(const std::filesystem::path& path);
  void stop_recording();
  std::string recording_path() const;

  // Real time, main thread: MIDI in from another port (or a virtual one). The old input closes
  // before the new one opens (one producer per queue); when the new one cannot open, the old one
  // is reopened. Returns an error line, or empty.
  std::string switch_midi_input(const MidiInputOptions& options);
  // Real time, main thread: another audio output device of the same host API. On JACK the ports
  // are reconnected while the engine runs on; through PortAudio the stream stops, the new one
  // starts, the engine's time goes on, and on failure the old device is reopened. Returns an
  // error line, or empty.
  std::string switch_audio_device(const std::string& device);
  // The devices switch_audio_device can choose among, listed now; empty before start.
  std::vector<AudioDeviceInfo> audio_devices() const;

  bool replay_finished() const { return replay_ && replay_->finished(); }
  double replay_duration() const { return replay_ ? replay_->duration() : 0.0; }
  std::string describe() const;  // "JACK device 'system', 48000 Hz, 256 frames; ..." once started
  SessionReport report() const;
  // The panel's line on the Link session: its peers and tempo; empty while the knob is off.
  std::string link_status() const { return link_ ? link_->status() : std::string(); }

  AudioEngine& engine() { return *engine_; }
  // The jam's core; null for `play` and `listen`.
  JamCore* core() { return core_.get(); }
  // Another router of the player's on the same terms as the session's MIDI in (the panel's
  // keyboard): the player's channel, and one device block of latency once started.
  RouterOptions router_options() const;

 private:
  void queue_voice_setup();
  bool callbacks_alive();
  void set_input_latency(int frames);
  // What the audio device's callback carries on the jam's JACK client.
  JackShare jack_share();
  // [main-thread] The Link session as the link knob says: made when first on, joined, left;
  // the device's output latency passed on; led by the jam's beat while the jam is alone in it.
  // Its lines go to pending_lines_.
  void sync_link();

  SessionOptions options_;
  // The jam in an Ableton Link session, once the knob was on; declared before the core and its
  // driver, which hold it, so that it outlives them.
  std::unique_ptr<LinkSession> link_;
  bool link_missing_said_ = false;
  std::vector<std::string> pending_lines_;  // for the next poll(), or said offline
  std::unique_ptr<FluidInstrument> instrument_;
  // The jam: the core (its engine is engine_) and its driver, which the devices run and MIDI in
  // feeds. Otherwise: an engine of the session's own and its router.
  std::unique_ptr<JamCore> core_;
  std::unique_ptr<CoreDriver> driver_;
  // The jam on JACK: one client for its audio out, MIDI in and MIDI out (audio/jack_client.hpp),
  // declared before everything with a port on it, so it closes last.
  std::unique_ptr<JackClient> jack_;
  std::unique_ptr<AudioEngine> own_engine_;
  std::unique_ptr<InputRouter> router_;
  AudioEngine* engine_ = nullptr;
  MidiReceiver* input_ = nullptr;      // where MIDI in and the replay hand the player's messages
  BlockRenderer* renderer_ = nullptr;  // what the audio device and the offline loop run
  std::unique_ptr<ReplaySource> replay_;
  std::unique_ptr<MidiInput> midi_in_;
  std::unique_ptr<MidiOutput> midi_out_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<AudioOutput> audio_;
  std::unique_ptr<AudioCapture> capture_;
  bool started_ = false, stopped_ = false;
  std::uint64_t last_blocks_ = 0;
  std::chrono::steady_clock::time_point last_progress_{};
};

}  // namespace mlstm::rt
