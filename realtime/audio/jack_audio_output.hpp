#pragma once
// The audio device on JACK, straight through libjack: a client with two output ports whose
// process callback runs the engine, connected to a playback client ("system" by default).
//
// For the jam the client is the jam's own (audio/jack_client.hpp: JackShare), which also holds
// its MIDI in and out ports: each cycle the callback reads the player's MIDI at its frames, runs
// the jam core over the cycle, and writes the model's MIDI at the frames it was applied, so a
// clock pulse, the beat computed from it and the answer on that beat share one frame timeline.
//
// Why not PortAudio's JACK host: it opens a client of its own at Pa_Initialize and starts a
// stream by waiting, without a bound, for that client's process callback to pick the request up;
// on a busy 2-core machine that wait was seen to never end. Here start() is jack_activate, which
// returns or fails. Two more gains: each block's start is JACK's own cycle time (the MIDI input
// reads the same clock, so a note's frame is exact, without the callbacks' wake-up jitter), and
// JACK's xrun notifications are counted, and told from the cycles our output really missed
// (engine/callback_stats.hpp). Switching the device is reconnecting the ports, so the
// sound moves without a gap in the engine's time.

#include <jack/jack.h>
#include <jack/statistics.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio_callback.hpp"
#include "audio/audio_output.hpp"
#include "audio/jack_client.hpp"
#include "core/midi_block.hpp"
#include "engine/nonblocking.hpp"

namespace mlstm::rt {

// The JACK clients with audio inputs (where sound can go), "system" first when it is there; our
// own client left out. Empty when no server runs.
std::vector<AudioDeviceInfo> list_jack_devices();

class JackAudioOutput final : public AudioOutput {
 public:
  // Opens the client (options.client) and its ports, or puts the ports on `share.client` (not yet
  // active). Throws DeviceError: no server, a name that is taken, a sample rate other than the
  // server's.
  JackAudioOutput(BlockRenderer& renderer, const AudioOptions& options, JackShare share = {});
  ~JackAudioOutput() override;
  JackAudioOutput(const JackAudioOutput&) = delete;
  JackAudioOutput& operator=(const JackAudioOutput&) = delete;

  // Activates the client and connects it to the device asked for (by default the physical
  // playback ports). Throws DeviceError naming the devices there are.
  void start() override;
  void stop() override;
  bool running() const override;
  const CallbackStats& stats() const override { return stats_; }
  std::string description() const override;
  double output_latency_ms() const override;
  int block_frames() const override { return block_frames_; }
  std::vector<AudioDeviceInfo> devices() const override;
  std::string switch_device(const std::string& device, bool& reopen_needed) override;

 private:
  // [audio-thread] JACK's process callback (RealtimeSanitizer: tests/realtime/).
  static int process(jack_nframes_t frames, void* self) noexcept MLSTM_NONBLOCKING;
  static int on_xrun(void* self) noexcept;
  void check_cycle(jack_nframes_t cycle_frames, jack_time_t began_us) noexcept;
  // The playback ports of `device` ("" = the physical ones), or empty with `error` set.
  std::vector<std::string> target_ports(const std::string& device, std::string& error) const;
  std::string connect_to(const std::string& device);

  BlockRenderer& renderer_;
  CallbackStats stats_;
  std::unique_ptr<CallbackContext> context_;
  std::unique_ptr<JackClient> own_;  // the client, unless it is the jam's
  JackShare share_;                  // share_.client: the client in use
  jack_client_t* client_ = nullptr;
  std::array<jack_port_t*, 2> ports_{};
  // The process thread's own: the cycle's MIDI in and out on the jam's client.
  MidiBlock midi_in_, midi_out_;
  int block_frames_ = 0;
  int sample_rate_ = 0;
  std::string device_;  // the client our ports feed
  std::vector<std::string> connected_;
  bool active_ = false;
  // The process thread's own, for check_cycle.
  bool have_cycle_ = false;
  jack_nframes_t last_cycle_frames_ = 0, last_frames_ = 0;
  jack_time_t last_finish_us_ = 0;
  // The notification thread's own: the driver's last reported delay, to tell a new one.
  float last_driver_delay_ = 0.0f;
};

}  // namespace mlstm::rt
