#include "midi/jack_midi_output.hpp"

#include <jack/midiport.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include "midi/midi_system.hpp"

namespace mlstm::rt {

JackMidiOutput::JackMidiOutput(JackClient& client, const std::string& port) : client_(client) {
  port_ =
      jack_port_register(client_.get(), port.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
  if (!port_) {
    throw DeviceError("cannot register the JACK MIDI output port '" + client_.name() + ":" + port +
                      "'");
  }
}

// REAL-TIME CODE: JACK's process thread (the jam's client). jack_midi_event_write copies into the
// port's preallocated buffer.
void JackMidiOutput::write(jack_nframes_t frames,
                           std::span<const BlockMidiEvent> events) noexcept MLSTM_NONBLOCKING {
  void* buffer = jack_port_get_buffer(port_, frames);
  jack_midi_clear_buffer(buffer);
  std::uint64_t sent = 0, dropped = 0;
  if (all_off_.load(std::memory_order_acquire)) {
    for (unsigned char ch = 0; ch < 16; ++ch) {
      const jack_midi_data_t off[3] = {static_cast<jack_midi_data_t>(0xB0 | ch), 123, 0};
      (jack_midi_event_write(buffer, 0, off, 3) == 0 ? sent : dropped) += 1;
    }
    all_off_.store(false, std::memory_order_release);
  }
  for (const BlockMidiEvent& e : events) {
    const jack_nframes_t at = frames == 0 ? 0 : std::min<jack_nframes_t>(e.frame, frames - 1);
    (jack_midi_event_write(buffer, at, e.bytes, e.size) == 0 ? sent : dropped) += 1;
  }
  if (sent) sent_.fetch_add(sent, std::memory_order_relaxed);
  if (dropped) dropped_.fetch_add(dropped, std::memory_order_relaxed);
}

std::vector<std::string> JackMidiOutput::destinations() const {
  std::vector<std::string> names;
  const char** ports =
      jack_get_ports(client_.get(), nullptr, JACK_DEFAULT_MIDI_TYPE, JackPortIsInput);
  if (!ports) return names;
  const std::string own = client_.name() + ":";
  for (const char** p = ports; *p; ++p) {
    if (std::string(*p).rfind(own, 0) != 0) names.emplace_back(*p);
  }
  jack_free(ports);
  return names;
}

std::string JackMidiOutput::connect_to(const std::string& destination) {
  const std::vector<std::string> names = destinations();
  const int index = find_port(names, destination);
  if (index < 0) {
    return "no JACK MIDI input port '" + destination + "' to send the model's notes to; " +
           describe_ports(names) + " (music-lstm devices lists them)";
  }
  const std::string& to = names[static_cast<std::size_t>(index)];
  const int rc = jack_connect(client_.get(), jack_port_name(port_), to.c_str());
  if (rc != 0 && rc != EEXIST) return "cannot connect the model's MIDI out to " + to;
  return {};
}

bool JackMidiOutput::all_notes_off(int wait_ms) {
  all_off_.store(true, std::memory_order_release);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (all_off_.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= until || client_.server_lost() || !client_.active())
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace mlstm::rt
