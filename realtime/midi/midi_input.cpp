#include "midi/midi_input.hpp"

#include <rtmidi/RtMidi.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace mlstm::rt {
namespace {

void on_rtmidi_message(double, std::vector<unsigned char>* message, void* user) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  static_cast<MidiReceiver*>(user)->on_message(message->data(), message->size(), now);
}

}  // namespace

MidiInput::MidiInput(const MidiInputOptions& options, MidiReceiver& receiver, JackClient* jack)
    : options_(options), receiver_(receiver), system_(resolve_midi_system(options.system)) {
  if (options_.virtual_port) port_name_ = options_.port.empty() ? "in" : options_.port;
  if (system_ == MidiSystem::kJack) {
    open_jack(jack);
  } else {
    open_alsa();
  }
  if (options_.virtual_port) {
    connected_ = true;
    return;
  }
  port_name_ = choose_source();
  if (shared_jack_) return;  // start() connects, once the client is active
  if (!connect()) {
    throw DeviceError("cannot open MIDI port '" + port_name_ + "'" +
                      (system_ == MidiSystem::kAlsa ? ": " + errors_.take() : std::string()));
  }
  connected_ = true;
}

std::string MidiInput::choose_source() const {
  const auto names = sources();
  if (options_.port.empty()) {
    if (names.empty()) {
      throw DeviceError(std::string("no MIDI input port on ") + midi_system_name(system_) +
                        ": connect a keyboard, or use --virtual and connect one to it");
    }
    return names.front();
  }
  const int index = find_port(names, options_.port);
  if (index < 0) {
    throw DeviceError("no MIDI input port '" + options_.port + "' on " + midi_system_name(system_) +
                      "; " + describe_ports(names) + " (music-lstm devices lists them)");
  }
  return names[static_cast<std::size_t>(index)];
}

void MidiInput::start() {
  if (!shared_jack_ || options_.virtual_port || connected_) return;
  if (!connect()) throw DeviceError("cannot connect MIDI port '" + port_name_ + "'");
  connected_ = true;
}

std::string MidiInput::retarget(const MidiInputOptions& options) {
  if (!shared_jack_) return "this MIDI input cannot switch in place";
  MidiInputOptions next = options;
  next.system = MidiSystem::kJack;
  std::string source;
  if (!next.virtual_port) {
    const MidiInputOptions old = std::exchange(options_, next);
    try {
      source = choose_source();
    } catch (const DeviceError& e) {
      options_ = old;
      return e.what();
    }
  }
  jack_->disconnect_all();
  options_ = next;
  if (next.virtual_port) {
    port_name_ = next.port.empty() ? "in" : next.port;
    if (!jack_->rename(port_name_))
      return "cannot rename the JACK MIDI port to '" + port_name_ + "'";
    connected_ = true;
    return {};
  }
  port_name_ = source;
  connected_ = connect();
  return connected_ ? std::string() : "cannot connect MIDI port '" + port_name_ + "'";
}

MidiInput::~MidiInput() {
  if (in_) {
    in_->cancelCallback();
    in_->closePort();
  }
}

void MidiInput::open_jack(JackClient* shared) {
  // A virtual port is our port under the name asked for; a named one is "in", connected to it.
  const std::string port = options_.virtual_port ? port_name_ : "in";
  if (shared) {
    jack_ = std::make_unique<JackMidiInput>(*shared, port);
    shared_jack_ = true;
  } else {
    jack_ = std::make_unique<JackMidiInput>(options_.client, port, receiver_);
  }
}

void MidiInput::open_alsa() {
  in_ = make_midi_in(system_, options_.client, errors_);
  // Sysex, clock and active sensing come through so they are counted, not silently dropped.
  in_->ignoreTypes(false, false, false);
  in_->setCallback(on_rtmidi_message, &receiver_);
  if (options_.virtual_port) {
    in_->openVirtualPort(port_name_);
    if (const std::string e = errors_.take(); !e.empty()) {
      throw DeviceError("cannot open the virtual MIDI port '" + port_name_ + "': " + e);
    }
    return;
  }
  probe_ = make_midi_in(system_, options_.client + "-watch", errors_);
}

std::vector<std::string> MidiInput::sources() const {
  return jack_ ? jack_->sources() : port_names(*probe_);
}

bool MidiInput::connect() {
  if (jack_) return jack_->connect_from(port_name_);
  const auto names = port_names(*probe_);
  const auto it = std::find(names.begin(), names.end(), port_name_);
  if (it == names.end()) return false;
  in_->closePort();
  in_->openPort(static_cast<unsigned>(it - names.begin()), "in");
  return errors_.take().empty();
}

std::string MidiInput::check_connection() {
  if (jack_ && jack_->server_lost()) {
    connected_ = false;
    if (server_lost_said_) return {};
    server_lost_said_ = true;
    return "the JACK server stopped: MIDI input is gone; restart jackd and music-lstm";
  }
  if (options_.virtual_port) return {};
  const auto names = sources();
  const bool present = std::find(names.begin(), names.end(), port_name_) != names.end();
  if (connected_ && !present) {
    connected_ = false;
    return "MIDI port '" + port_name_ +
           "' disappeared; the session goes on and reconnects when it returns";
  }
  if (!connected_ && present && connect()) {
    connected_ = true;
    return "MIDI port '" + port_name_ + "' is back";
  }
  return {};
}

std::string MidiInput::description() const {
  if (jack_ && options_.virtual_port) return "virtual JACK MIDI port '" + jack_->port_name() + "'";
  return std::string(options_.virtual_port ? "virtual " : "") + midi_system_name(system_) +
         " MIDI port '" + port_name_ + "'";
}

}  // namespace mlstm::rt
