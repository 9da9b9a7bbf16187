#pragma once
// One libjack client, opened once and shared by whatever ports the session puts on it: the jam's
// audio out, its MIDI in and its MIDI out live on one client ("music-lstm"), so that one process
// callback reads the player's MIDI, runs the jam core and writes the model's MIDI at their frames
// within the same cycle (issue 36). Two clients would each have their own place in JACK's graph
// order: MIDI read by one after the other had rendered the cycle is a period late.
//
// This class holds the client, its shutdown flag and its single process callback; the ports are
// their owners' (audio/jack_audio_output.hpp, midi/jack_midi_input.hpp, midi/jack_midi_output.hpp).
//
// Threads: [main-thread] everything here but server_lost() (any thread). JACK calls the process
// callback on its real-time thread and the shutdown callback on a thread of its own.

#include <jack/jack.h>

#include <atomic>
#include <string>

namespace mlstm::rt {

class JackClient;
class JackMidiInput;
class JackMidiOutput;

// The jam's client and the MIDI ports on it that the audio callback reads and writes (either
// port may be null). An empty share: the audio output opens a client of its own.
struct JackShare {
  JackClient* client = nullptr;
  JackMidiInput* midi_in = nullptr;
  JackMidiOutput* midi_out = nullptr;
};

// Why jack_client_open refused, in a user's words.
std::string jack_status_text(jack_status_t status);

class JackClient {
 public:
  using Process = int (*)(jack_nframes_t frames, void* arg) noexcept;

  // Opens the client `name` (never starting a server). Throws DeviceError: no server running,
  // the name taken, the server refusing.
  explicit JackClient(const std::string& name);
  // Deactivates (unless the server is gone: that would wait on it) and closes.
  ~JackClient();
  JackClient(const JackClient&) = delete;
  JackClient& operator=(const JackClient&) = delete;

  // Before activate(): the one process callback of the client (the last one set wins). Throws
  // DeviceError.
  void set_process(Process process, void* arg);
  // Throws DeviceError. Safe to call twice.
  void activate();
  void deactivate();
  bool active() const { return active_; }

  jack_client_t* get() const { return client_; }
  std::string name() const { return jack_get_client_name(client_); }
  // [any thread] The server shut down or dropped this client.
  bool server_lost() const noexcept { return server_lost_.load(std::memory_order_acquire); }

 private:
  static void on_shutdown(void* self) noexcept;

  jack_client_t* client_ = nullptr;
  bool active_ = false;
  std::atomic<bool> server_lost_{false};
};

}  // namespace mlstm::rt
