#include "midi/jack_midi_input.hpp"

#include <jack/midiport.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>

#include "midi/midi_system.hpp"

namespace mlstm::rt {

JackMidiInput::JackMidiInput(const std::string& client, const std::string& port,
                             MidiReceiver& receiver)
    : receiver_(&receiver), own_(std::make_unique<JackClient>(client)), client_(own_.get()) {
  register_port(port);
  own_->set_process(&JackMidiInput::process, this);
  own_->activate();
}

JackMidiInput::JackMidiInput(JackClient& shared, const std::string& port) : client_(&shared) {
  register_port(port);
}

void JackMidiInput::register_port(const std::string& port) {
  port_ =
      jack_port_register(client_->get(), port.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
  if (!port_) {
    throw DeviceError("cannot register the JACK MIDI port '" + client_->name() + ":" + port + "'");
  }
}

JackMidiInput::~JackMidiInput() {
  // Its own client closes with it; on the shared one the port goes with the client, whose owner's
  // callback may still read it until then.
  own_.reset();
}

int JackMidiInput::process(jack_nframes_t frames, void* self) noexcept MLSTM_NONBLOCKING {
  auto& in = *static_cast<JackMidiInput*>(self);
  jack_client_t* client = in.client_->get();
  void* buffer = jack_port_get_buffer(in.port_, frames);
  const std::uint32_t count = jack_midi_get_event_count(buffer);
  if (count == 0) return 0;
  // Map JACK's time onto the steady clock by reading both now: JACK's clock source is a server
  // setting and need not be CLOCK_MONOTONIC.
  const jack_nframes_t cycle_start = jack_last_frame_time(client);
  const auto jack_now_us = static_cast<std::int64_t>(jack_get_time());
  const std::int64_t steady_now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         std::chrono::steady_clock::now().time_since_epoch())
                                         .count();
  for (std::uint32_t i = 0; i < count; ++i) {
    jack_midi_event_t event;
    if (jack_midi_event_get(&event, buffer, i) != 0) continue;
    const auto at_us =
        static_cast<std::int64_t>(jack_frames_to_time(client, cycle_start + event.time));
    in.receiver_->on_message(event.buffer, event.size,
                             steady_now_ns + (at_us - jack_now_us) * 1000);
  }
  return 0;
}

void JackMidiInput::read(jack_nframes_t frames, MidiBlock& block) noexcept MLSTM_NONBLOCKING {
  block.clear();
  void* buffer = jack_port_get_buffer(port_, frames);
  const std::uint32_t count = jack_midi_get_event_count(buffer);
  for (std::uint32_t i = 0; i < count; ++i) {
    jack_midi_event_t event;
    if (jack_midi_event_get(&event, buffer, i) != 0) continue;
    if (event.size == 0 || event.size > 3) {
      unrouted_.messages.fetch_add(1, std::memory_order_relaxed);
      unrouted_.count_unrouted(classify_midi_message(event.buffer, event.size).kind);
      continue;
    }
    BlockMidiEvent e;
    e.frame = std::min<std::uint32_t>(event.time, frames == 0 ? 0 : frames - 1);
    e.size = static_cast<std::uint8_t>(event.size);
    std::copy_n(event.buffer, event.size, e.bytes);
    if (!block.push(e)) {
      unrouted_.messages.fetch_add(1, std::memory_order_relaxed);
      unrouted_.dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

std::vector<std::string> JackMidiInput::sources() const {
  std::vector<std::string> names;
  const char** ports =
      jack_get_ports(client_->get(), nullptr, JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput);
  if (!ports) return names;
  const std::string own = client_->name() + ":";
  for (const char** p = ports; *p; ++p) {
    if (std::string(*p).rfind(own, 0) != 0) names.emplace_back(*p);
  }
  jack_free(ports);
  return names;
}

bool JackMidiInput::source_exists(const std::string& source) const {
  return !server_lost() && jack_port_by_name(client_->get(), source.c_str()) != nullptr;
}

bool JackMidiInput::connect_from(const std::string& source) {
  if (server_lost() || !client_->active()) return false;
  const int rc = jack_connect(client_->get(), source.c_str(), jack_port_name(port_));
  return rc == 0 || rc == EEXIST;
}

void JackMidiInput::disconnect_all() {
  if (!server_lost()) jack_port_disconnect(client_->get(), port_);
}

bool JackMidiInput::rename(const std::string& port) {
  if (server_lost()) return false;
  return jack_port_rename(client_->get(), port_, port.c_str()) == 0;
}

std::string JackMidiInput::port_name() const {
  return jack_port_name(port_);
}

}  // namespace mlstm::rt
