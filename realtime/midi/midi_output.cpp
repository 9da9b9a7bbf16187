#include "midi/midi_output.hpp"

#include <rtmidi/RtMidi.h>

#include <chrono>
#include <string>
#include <vector>

namespace mlstm::rt {
namespace {

// The port `spec` names among `names` (the first there is when empty), by its index; throws
// DeviceError naming the ports there are.
std::size_t chosen_port(const std::vector<std::string>& names, const std::string& spec,
                        MidiSystem system) {
  const int index = spec.empty() ? (names.empty() ? -1 : 0) : find_port(names, spec);
  if (index < 0) {
    throw DeviceError("no MIDI output port '" + spec + "' on " + midi_system_name(system) + "; " +
                      describe_ports(names) + " (music-lstm devices lists them)");
  }
  return static_cast<std::size_t>(index);
}

}  // namespace

MidiOutput::MidiOutput(const MidiOutputOptions& options, AudioEngine& engine, JackClient* jack)
    : options_(options), engine_(engine), system_(resolve_midi_system(options.system)) {
  if (jack && system_ == MidiSystem::kJack) {
    // Our port on the jam's client: "music-lstm:out" (or the virtual name asked for).
    jack_ = std::make_unique<JackMidiOutput>(
        *jack, options_.virtual_port && !options_.port.empty() ? options_.port : "out");
    if (!options_.virtual_port) {
      const auto names = jack_->destinations();
      port_name_ = names[chosen_port(names, options_.port, system_)];
    }
    return;
  }
  out_ = make_midi_out(system_, options_.client, errors_);
  if (options_.virtual_port) {
    port_name_ = options_.port.empty() ? "out" : options_.port;
    out_->openVirtualPort(port_name_);
  } else {
    const auto names = port_names(*out_);
    const std::size_t index = chosen_port(names, options_.port, system_);
    port_name_ = names[index];
    out_->openPort(static_cast<unsigned>(index), "out");
  }
  if (const std::string e = errors_.take(); !e.empty()) {
    throw DeviceError("cannot open MIDI output port '" + port_name_ + "': " + e);
  }
}

MidiOutput::~MidiOutput() {
  stop();
}

void MidiOutput::send_pending() {
  SynthEvent e;
  std::vector<unsigned char> message;
  while (engine_.forwarded().try_pop(e)) {
    if (e.kind == EventKind::kPanic) {
      for (unsigned char ch = 0; ch < 16; ++ch) {
        message = {static_cast<unsigned char>(0xB0 | ch), 123, 0};
        out_->sendMessage(&message);
      }
      sent_ += 16;
      continue;
    }
    unsigned char bytes[3];
    const int n = midi_bytes(e, bytes);
    if (n == 0) continue;
    message.assign(bytes, bytes + n);
    out_->sendMessage(&message);
    ++sent_;
  }
  errors_.take();  // a send to a port that went away: the events are dropped, the session goes on
}

void MidiOutput::start() {
  engine_.forward_model = true;
  if (jack_) {
    // The jam core hands the model's events to the process callback; only the wire is ours.
    if (!port_name_.empty()) {
      if (const std::string error = jack_->connect_to(port_name_); !error.empty()) {
        throw DeviceError(error);
      }
    }
    return;
  }
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      send_pending();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    send_pending();
  });
}

void MidiOutput::stop() {
  engine_.forward_model = false;
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (jack_) {
    jack_->all_notes_off();
    return;
  }
  if (out_ && out_->isPortOpen()) {
    for (unsigned char ch = 0; ch < 16; ++ch) {
      std::vector<unsigned char> message = {static_cast<unsigned char>(0xB0 | ch), 123, 0};
      out_->sendMessage(&message);
    }
  }
}

std::string MidiOutput::description() const {
  if (jack_) {
    return std::string(options_.virtual_port ? "virtual " : "") + "JACK MIDI output '" +
           jack_->port_name() + "'" + (port_name_.empty() ? "" : " to '" + port_name_ + "'") +
           ", frame-exact";
  }
  return std::string(options_.virtual_port ? "virtual " : "") + midi_system_name(system_) +
         " MIDI output '" + port_name_ + "'";
}

}  // namespace mlstm::rt
