#include "midi/midi_input.hpp"

#include <rtmidi/RtMidi.h>

#include <algorithm>
#include <chrono>

namespace mlstm::rt {
namespace {

void on_rtmidi_message(double, std::vector<unsigned char>* message, void* user) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  static_cast<InputRouter*>(user)->on_message(message->data(), message->size(), now);
}

}  // namespace

MidiInput::MidiInput(const MidiInputOptions& options, InputRouter& router)
    : options_(options), router_(router), system_(resolve_midi_system(options.system)) {
  in_ = make_midi_in(system_, options_.client, errors_);
  // Sysex, clock and active sensing come through so they are counted, not silently dropped.
  in_->ignoreTypes(false, false, false);
  in_->setCallback(on_rtmidi_message, &router_);
  if (options_.virtual_port) {
    port_name_ = options_.port.empty() ? "in" : options_.port;
    in_->openVirtualPort(port_name_);
    if (const std::string e = errors_.take(); !e.empty()) {
      throw DeviceError("cannot open the virtual MIDI port '" + port_name_ + "': " + e);
    }
    connected_ = true;
    return;
  }
  probe_ = make_midi_in(system_, options_.client + "-watch", errors_);
  const auto names = port_names(*probe_);
  if (options_.port.empty()) {
    if (names.empty()) {
      throw DeviceError(std::string("no MIDI input port on ") + midi_system_name(system_) +
                        ": connect a keyboard, or use --virtual and connect one to it");
    }
    open_named(0);
    return;
  }
  const int index = find_port(names, options_.port);
  if (index < 0) {
    throw DeviceError("no MIDI input port '" + options_.port + "' on " + midi_system_name(system_) +
                      "; " + describe_ports(names) + " (music-lstm devices lists them)");
  }
  open_named(index);
}

MidiInput::~MidiInput() {
  if (in_) {
    in_->cancelCallback();
    in_->closePort();
  }
}

void MidiInput::open_named(int index) {
  const auto names = port_names(*probe_);
  port_name_ = names.at(static_cast<std::size_t>(index));
  in_->openPort(static_cast<unsigned>(index), "in");
  if (const std::string e = errors_.take(); !e.empty()) {
    throw DeviceError("cannot open MIDI port '" + port_name_ + "': " + e);
  }
  connected_ = true;
}

std::string MidiInput::check_connection() {
  if (options_.virtual_port || !probe_) return {};
  const auto names = port_names(*probe_);
  const bool present = std::find(names.begin(), names.end(), port_name_) != names.end();
  if (connected_ && !present) {
    connected_ = false;
    return "MIDI port '" + port_name_ +
           "' disappeared; the session goes on and reconnects when it returns";
  }
  if (!connected_ && present) {
    in_->closePort();
    const int index =
        static_cast<int>(std::find(names.begin(), names.end(), port_name_) - names.begin());
    in_->openPort(static_cast<unsigned>(index), "in");
    if (const std::string e = errors_.take(); !e.empty()) return {};  // tried again next time
    connected_ = true;
    return "MIDI port '" + port_name_ + "' is back";
  }
  return {};
}

std::string MidiInput::description() const {
  return std::string(options_.virtual_port ? "virtual " : "") + midi_system_name(system_) +
         " MIDI port '" + port_name_ + "'";
}

}  // namespace mlstm::rt
