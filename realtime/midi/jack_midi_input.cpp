#include "midi/jack_midi_input.hpp"

#include <jack/midiport.h>

#include <cerrno>
#include <chrono>
#include <cstdint>

#include "midi/midi_system.hpp"

namespace mlstm::rt {
namespace {

std::string status_text(jack_status_t status) {
  if (status & JackServerFailed) return "no JACK server is running (start jackd, or use ALSA)";
  if (status & JackNameNotUnique) return "a JACK client of that name already exists";
  if (status & JackVersionError) return "the JACK server speaks another protocol version";
  return "the JACK server refused the client (status " + std::to_string(status) + ")";
}

}  // namespace

JackMidiInput::JackMidiInput(const std::string& client, const std::string& port,
                             MidiReceiver& receiver)
    : receiver_(receiver) {
  // Also quiets libjack, which otherwise prints its own lines when no server runs.
  if (!jack_server_running()) {
    throw DeviceError(
        "no JACK server is running: start one (jackd -d alsa, or qjackctl), or use --midi-api "
        "alsa");
  }
  jack_status_t status{};
  client_ = jack_client_open(client.c_str(), JackNoStartServer, &status);
  if (!client_) {
    throw DeviceError("cannot open the JACK MIDI client '" + client + "': " + status_text(status));
  }
  port_ = jack_port_register(client_, port.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
  if (!port_ || jack_set_process_callback(client_, &JackMidiInput::process, this) != 0) {
    jack_client_close(client_);
    throw DeviceError("cannot register the JACK MIDI port '" + client + ":" + port + "'");
  }
  jack_on_shutdown(client_, &JackMidiInput::on_shutdown, this);
  if (jack_activate(client_) != 0) {
    jack_client_close(client_);
    throw DeviceError("the JACK server did not activate the MIDI client '" + client + "'");
  }
}

JackMidiInput::~JackMidiInput() {
  if (!server_lost()) jack_deactivate(client_);
  jack_client_close(client_);
}

int JackMidiInput::process(jack_nframes_t frames, void* self) noexcept MLSTM_NONBLOCKING {
  auto& in = *static_cast<JackMidiInput*>(self);
  void* buffer = jack_port_get_buffer(in.port_, frames);
  const std::uint32_t count = jack_midi_get_event_count(buffer);
  if (count == 0) return 0;
  // Map JACK's time onto the steady clock by reading both now: JACK's clock source is a server
  // setting and need not be CLOCK_MONOTONIC.
  const jack_nframes_t cycle_start = jack_last_frame_time(in.client_);
  const auto jack_now_us = static_cast<std::int64_t>(jack_get_time());
  const std::int64_t steady_now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         std::chrono::steady_clock::now().time_since_epoch())
                                         .count();
  for (std::uint32_t i = 0; i < count; ++i) {
    jack_midi_event_t event;
    if (jack_midi_event_get(&event, buffer, i) != 0) continue;
    const auto at_us =
        static_cast<std::int64_t>(jack_frames_to_time(in.client_, cycle_start + event.time));
    in.receiver_.on_message(event.buffer, event.size, steady_now_ns + (at_us - jack_now_us) * 1000);
  }
  return 0;
}

void JackMidiInput::on_shutdown(void* self) noexcept {
  static_cast<JackMidiInput*>(self)->server_lost_.store(true, std::memory_order_release);
}

std::vector<std::string> JackMidiInput::sources() const {
  std::vector<std::string> names;
  const char** ports = jack_get_ports(client_, nullptr, JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput);
  if (!ports) return names;
  const std::string own = std::string(jack_get_client_name(client_)) + ":";
  for (const char** p = ports; *p; ++p) {
    if (std::string(*p).rfind(own, 0) != 0) names.emplace_back(*p);
  }
  jack_free(ports);
  return names;
}

bool JackMidiInput::source_exists(const std::string& source) const {
  return !server_lost() && jack_port_by_name(client_, source.c_str()) != nullptr;
}

bool JackMidiInput::connect_from(const std::string& source) {
  if (server_lost()) return false;
  const int rc = jack_connect(client_, source.c_str(), jack_port_name(port_));
  return rc == 0 || rc == EEXIST;
}

std::string JackMidiInput::port_name() const {
  return jack_port_name(port_);
}

}  // namespace mlstm::rt
