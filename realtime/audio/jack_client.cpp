#include "audio/jack_client.hpp"

#include "midi/midi_system.hpp"

namespace mlstm::rt {

std::string jack_status_text(jack_status_t status) {
  if (status & JackServerFailed) return "no JACK server is running (start jackd, or use ALSA)";
  if (status & JackNameNotUnique) return "a JACK client of that name already exists";
  if (status & JackVersionError) return "the JACK server speaks another protocol version";
  return "the JACK server refused the client (status " + std::to_string(status) + ")";
}

JackClient::JackClient(const std::string& name) {
  // Also quiets libjack, which otherwise prints its own lines when no server runs.
  if (!jack_server_running()) {
    throw DeviceError(
        "no JACK server is running: start one (jackd -d alsa, or qjackctl), or choose another "
        "audio and MIDI system (--audio-api alsa --midi-api alsa)");
  }
  jack_status_t status{};
  client_ = jack_client_open(name.c_str(), JackNoStartServer, &status);
  if (!client_) {
    throw DeviceError("cannot open the JACK client '" + name + "': " + jack_status_text(status));
  }
  jack_on_shutdown(client_, &JackClient::on_shutdown, this);
}

JackClient::~JackClient() {
  deactivate();
  jack_client_close(client_);
}

void JackClient::set_process(Process process, void* arg) {
  if (jack_set_process_callback(client_, process, arg) != 0) {
    throw DeviceError("the JACK server refused the process callback of '" + name() + "'");
  }
}

void JackClient::activate() {
  if (active_) return;
  if (jack_activate(client_) != 0) {
    throw DeviceError("the JACK server did not activate the client '" + name() +
                      "': restart jackd");
  }
  active_ = true;
}

void JackClient::deactivate() {
  if (!active_) return;
  active_ = false;
  if (!server_lost()) jack_deactivate(client_);
}

void JackClient::on_shutdown(void* self) noexcept {
  static_cast<JackClient*>(self)->server_lost_.store(true, std::memory_order_release);
}

}  // namespace mlstm::rt
