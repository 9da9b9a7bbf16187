// The standalone jam's JACK callbacks under RealtimeSanitizer (issues 34 and 36), wired as the
// session wires them, on a real JACK server (the dummy backend, started here under a name of its
// own), while a client of this test plays phrases of dense MIDI into the input port (chords,
// runs, the pedal, malformed messages) and the core's performer and a stand-in model answer in
// the rests. Any allocation, lock or system call inside a callback ends the process with RTSan's
// report.
//
// The jam's one client (default): the audio output's process callback reads the MIDI port
// (JackMidiInput::read), runs the jam core through its driver (CoreDriver::render_block,
// JamCore::process, the engine and FluidSynth on JACK's port buffers) and writes the model's
// MIDI out (JackMidiOutput::write). With --two-clients, `listen`'s wiring: a MIDI client of its
// own (JackMidiInput::process, CoreDriver::on_message for each event) beside the audio client
// (JackAudioOutput::process, CoreDriver::render).
//
// With --canary, the instrument allocates in apply(): RTSan must report it from inside the
// audio output's callback, so the test above cannot pass by having no sanitizer or an unmarked
// callback.
//
//   rtsan_jack_callbacks [--seconds N] [--canary] [--two-clients]
#include <jack/jack.h>
#include <jack/midiport.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "audio/jack_audio_output.hpp"
#include "core/core_driver.hpp"
#include "midi/jack_midi_input.hpp"
#include "midi/jack_midi_output.hpp"
#include "midi/midi_system.hpp"
#include "support/stand_in_model.hpp"
#include "synth/fluid_instrument.hpp"

namespace {

using namespace mlstm::rt;

constexpr const char* kServer = "mlstm-rtsan-jack";
// The keyboard plays for kPhraseCycles JACK cycles (256 frames), then rests as long.
constexpr std::uint64_t kPhraseCycles = 280;

// FluidSynth, or with --canary the same with an allocation in apply() (on the audio thread).
class CanaryInstrument final : public Instrument {
 public:
  explicit CanaryInstrument(Instrument& inner) : inner_(inner) {}
  void apply(const SynthEvent& e) noexcept override {
    auto* p = static_cast<volatile int*>(std::malloc(64));
    *p = e.data1;
    std::free(const_cast<int*>(p));
    inner_.apply(e);
  }
  void render(float* left, float* right, int frames) noexcept override {
    inner_.render(left, right, frames);
  }

 private:
  Instrument& inner_;
};

// The player: a JACK client of its own whose process callback writes notes into its MIDI out.
struct Keyboard {
  jack_client_t* client = nullptr;
  jack_port_t* port = nullptr;
  std::uint64_t cycle = 0;
  std::atomic<std::uint64_t> sent{0};

  static int process(jack_nframes_t frames, void* self) {
    auto& k = *static_cast<Keyboard*>(self);
    void* buffer = jack_port_get_buffer(k.port, frames);
    jack_midi_clear_buffer(buffer);
    if (jack_port_connected(k.port) == 0) return 0;  // counted from the first cycle it reaches us
    const std::uint64_t phase = k.cycle++ % (2 * kPhraseCycles);
    if (phase > kPhraseCycles) return 0;  // the rest, for the model to answer in
    const int key = 36 + static_cast<int>(phase % 48);
    // A chord of four on, the last cycle's off, a pedal now and then, a malformed message; in
    // the order of their frames, as JACK takes them (a write that fails is not counted).
    std::uint64_t written = 0;
    auto write = [&](jack_nframes_t frame, const jack_midi_data_t* data, std::size_t size) {
      written += jack_midi_event_write(buffer, frame, data, size) == 0 ? 1 : 0;
    };
    for (int i = 0; i < 4 && phase < kPhraseCycles; ++i) {
      const jack_midi_data_t on[3] = {0x90, static_cast<jack_midi_data_t>(key + 3 * i), 96};
      write(static_cast<jack_nframes_t>(i * 7), on, 3);
    }
    for (int i = 0; i < 4; ++i) {
      const jack_midi_data_t off[3] = {0x80, static_cast<jack_midi_data_t>(key + 3 * i - 1), 0};
      write(static_cast<jack_nframes_t>(40 + i * 7), off, 3);
    }
    if (phase % 20 == 0) {
      const jack_midi_data_t pedal[3] = {
          0xB0, 64,
          static_cast<jack_midi_data_t>(phase % 40 == 0 && phase < kPhraseCycles ? 127 : 0)};
      write(80, pedal, 3);
    }
    if (phase < kPhraseCycles) {
      const jack_midi_data_t bad[2] = {0x90, 60};
      write(90, bad, 2);
    }
    k.sent.fetch_add(written, std::memory_order_relaxed);
    return 0;
  }
};

// The dummy server, ended with this process however it ends (RTSan's report ends it at once).
pid_t start_server() {
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // Synchronous: the server waits for every client each cycle, so a busy machine delays a
    // cycle instead of skipping a client in it (which would lose the keyboard's events).
    const char* argv[] = {"jackd", "-S",    "-n", kServer, "-d",   "dummy",
                          "-r",    "48000", "-p", "256",   nullptr};
    execvp("jackd", const_cast<char* const*>(argv));
    _exit(127);
  }
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 30;
  bool canary = false;
  bool two_clients = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--canary") == 0) canary = true;
    if (std::strcmp(argv[i], "--two-clients") == 0) two_clients = true;
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = std::atof(argv[++i]);
  }
  const auto sf2 = default_soundfont();
  if (!sf2) {
    std::printf("no General MIDI soundfont installed (scripts/setup.sh installs one): skipped\n");
    return 77;
  }
  setenv("JACK_DEFAULT_SERVER", kServer, 1);
  setenv("JACK_NO_START_SERVER", "1", 1);
  if (std::system("command -v jackd > /dev/null") != 0) {
    std::printf("jackd is missing (scripts/setup.sh installs jackd2): skipped\n");
    return 77;
  }
  const pid_t server = start_server();
  if (server < 0) {
    std::printf("FAIL: cannot start jackd\n");
    return 1;
  }
  const auto end_server = [server] {
    kill(server, SIGTERM);
    waitpid(server, nullptr, 0);
  };
  for (int i = 0; i < 100 && !jack_server_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!jack_server_running()) {
    end_server();
    std::printf("FAIL: the dummy JACK server did not start\n");
    return 1;
  }

  int code = 0;
  {
    FluidInstrument synth(*sf2, {});
    CanaryInstrument allocating(synth);
    JamCoreOptions options;
    options.performer.sample_rate = 48000;
    options.performer.model_channel = 1;
    options.performer.context_notes = 10;
    options.performer.buffer_frames = 256;
    options.model_to_block = false;  // as the session runs it
    options.pass_through = false;
    JamCore core(mlstm::test::stand_in_model, JamSettings{}, options,
                 canary ? static_cast<Instrument*>(&allocating) : &synth);
    CoreDriver driver(core, 256);
    AudioOptions audio;
    audio.host_api = "JACK";
    // The jam's one client and its ports, or listen's two clients.
    std::unique_ptr<JackClient> client;
    std::unique_ptr<JackMidiInput> input;
    std::unique_ptr<JackMidiOutput> midi_out;
    std::unique_ptr<JackAudioOutput> output;
    if (two_clients) {
      output = std::make_unique<JackAudioOutput>(driver, audio);
      input = std::make_unique<JackMidiInput>("music-lstm", "in", driver);
    } else {
      client = std::make_unique<JackClient>("music-lstm");
      input = std::make_unique<JackMidiInput>(*client, "in");
      midi_out = std::make_unique<JackMidiOutput>(*client, "out");
      core.set_model_to_block(true);  // as the session does with its MIDI out on the client
      output = std::make_unique<JackAudioOutput>(
          driver, audio, JackShare{client.get(), input.get(), midi_out.get()});
    }
    output->start();
    driver.set_latency_frames(output->block_frames());
    core.start([&driver] { return driver.now(); });

    Keyboard keyboard;
    keyboard.client = jack_client_open("rtsan-keyboard", JackNoStartServer, nullptr);
    keyboard.port =
        jack_port_register(keyboard.client, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(keyboard.client, &Keyboard::process, &keyboard);
    jack_activate(keyboard.client);
    jack_connect(keyboard.client, "rtsan-keyboard:out", "music-lstm:in");

    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    jack_deactivate(keyboard.client);
    jack_client_close(keyboard.client);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the last answer plays
    core.stop();
    output->stop();

    InputCounters in;
    driver.add_counts(in);
    if (!two_clients) add_counts(in, input->unrouted());
    const auto& c = core.engine().counters();
    const auto answers = core.jam().performer().counters().answers.load();
    std::printf(
        "%.0f s on a dummy JACK server: %llu MIDI events sent, %llu messages (%llu notes, %llu "
        "malformed, %llu dropped) heard by the jam core, %llu answers, "
        "%llu events applied by the audio callback%s\n",
        seconds, static_cast<unsigned long long>(keyboard.sent.load()),
        static_cast<unsigned long long>(in.messages.load()),
        static_cast<unsigned long long>(in.notes.load()),
        static_cast<unsigned long long>(in.malformed()),
        static_cast<unsigned long long>(in.dropped.load()),
        static_cast<unsigned long long>(answers),
        static_cast<unsigned long long>(c.events_applied.load()),
        canary ? " (the canary: RealtimeSanitizer must have reported above)"
               : "; no RealtimeSanitizer report");
    if (midi_out) {
      std::printf(
          "the jam's one client: %llu model messages written to its MIDI out, %llu "
          "dropped\n",
          static_cast<unsigned long long>(midi_out->sent()),
          static_cast<unsigned long long>(midi_out->dropped()));
      if (!canary && (midi_out->sent() == 0 || midi_out->dropped() != 0)) {
        std::printf("FAIL: the model's answers did not reach the MIDI out port whole\n");
        code = 1;
      }
    }
    if (in.notes.load() == 0 || c.events_applied.load() == 0) {
      std::printf("FAIL: the callbacks never ran\n");
      code = 1;
    }
    if (!canary && answers < 2) {
      std::printf("FAIL: the jam core did not answer the phrases (a test that proves nothing)\n");
      code = 1;
    }
    if (in.messages.load() != keyboard.sent.load() || in.dropped.load() != 0) {
      std::printf("FAIL: MIDI events were lost on the way\n");
      code = 1;
    }
  }
  end_server();
  return code;
}
