#include "midi/midi_system.hpp"

#include <jack/jack.h>
#include <rtmidi/RtMidi.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

namespace mlstm::rt {
namespace {

void quiet(const char*) {}

RtMidi::Api rtmidi_api(MidiSystem system) {
  return system == MidiSystem::kJack ? RtMidi::UNIX_JACK : RtMidi::LINUX_ALSA;
}

// Warnings are RtMidi's notes to itself (a port it could not connect yet): the caller sees the
// outcome. Errors are kept for the caller to report.
void rtmidi_error(RtMidiError::Type type, const std::string& text, void* errors) {
  if (type == RtMidiError::WARNING || type == RtMidiError::DEBUG_WARNING) return;
  static_cast<RtMidiErrors*>(errors)->keep(text);
}

template <class T>
std::unique_ptr<T> make_client(MidiSystem system, const std::string& client, RtMidiErrors& errors) {
  if (system == MidiSystem::kJack && !jack_server_running()) {
    throw DeviceError(
        "no JACK server is running: start one (jackd -d alsa, or qjackctl), or use --midi-api "
        "alsa");
  }
  std::error_code ec;
  if (system == MidiSystem::kAlsa && !std::filesystem::exists("/dev/snd/seq", ec)) {
    throw DeviceError(
        "no ALSA sequencer (/dev/snd/seq): load it (modprobe snd-seq), or use JACK (--midi-api "
        "jack)");
  }
  try {
    auto midi = std::make_unique<T>(rtmidi_api(system), client);
    midi->setErrorCallback(rtmidi_error, &errors);
    return midi;
  } catch (const RtMidiError& e) {
    throw DeviceError(
        std::string(midi_system_name(system)) + " MIDI: " + e.getMessage() +
        (system == MidiSystem::kAlsa ? " (is the ALSA sequencer, /dev/snd/seq, there?)" : ""));
  }
}

}  // namespace

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

MidiSystem parse_midi_system(const std::string& name) {
  const std::string n = to_lower(name);
  if (n == "auto") return MidiSystem::kAuto;
  if (n == "jack") return MidiSystem::kJack;
  if (n == "alsa") return MidiSystem::kAlsa;
  throw DeviceError("unknown MIDI system '" + name + "': use auto, jack or alsa");
}

const char* midi_system_name(MidiSystem system) {
  switch (system) {
    case MidiSystem::kJack:
      return "JACK";
    case MidiSystem::kAlsa:
      return "ALSA";
    case MidiSystem::kAuto:
      break;
  }
  return "auto";
}

bool jack_server_running() {
  // libjack prints "Cannot connect to server socket" and the like when no server runs.
  jack_set_error_function(quiet);
  jack_set_info_function(quiet);
  jack_status_t status{};
  jack_client_t* client = jack_client_open("music-lstm-probe", JackNoStartServer, &status);
  if (!client) return false;
  jack_client_close(client);
  return true;
}

MidiSystem resolve_midi_system(MidiSystem choice) {
  if (choice != MidiSystem::kAuto) return choice;
  if (jack_server_running()) return MidiSystem::kJack;
  std::error_code ec;
  if (std::filesystem::exists("/dev/snd/seq", ec)) return MidiSystem::kAlsa;
  throw DeviceError(
      "no MIDI system: no JACK server is running and there is no ALSA sequencer (/dev/snd/seq); "
      "start JACK (jackd), or load the ALSA sequencer (modprobe snd-seq), or use --replay "
      "FILE.mid");
}

void RtMidiErrors::keep(const std::string& text) {
  std::lock_guard lock(mutex_);
  text_ = text;
}

std::string RtMidiErrors::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(text_, {});
}

std::unique_ptr<RtMidiIn> make_midi_in(MidiSystem system, const std::string& client,
                                       RtMidiErrors& errors) {
  return make_client<RtMidiIn>(system, client, errors);
}

std::unique_ptr<RtMidiOut> make_midi_out(MidiSystem system, const std::string& client,
                                         RtMidiErrors& errors) {
  return make_client<RtMidiOut>(system, client, errors);
}

std::vector<std::string> list_midi_inputs(MidiSystem system) {
  try {
    RtMidiErrors errors;
    const auto probe = make_midi_in(resolve_midi_system(system), "music-lstm-list", errors);
    return port_names(*probe);
  } catch (const DeviceError&) {
    return {};
  }
}

std::vector<std::string> port_names(RtMidi& midi) {
  std::vector<std::string> names;
  const unsigned count = midi.getPortCount();
  for (unsigned i = 0; i < count; ++i) names.push_back(midi.getPortName(i));
  return names;
}

int find_port(const std::vector<std::string>& names, const std::string& spec) {
  if (!spec.empty() &&
      std::all_of(spec.begin(), spec.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    const unsigned long n = std::stoul(spec);
    return n < names.size() ? static_cast<int>(n) : -1;
  }
  const std::string want = to_lower(spec);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (to_lower(names[i]) == want) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (to_lower(names[i]).find(want) != std::string::npos) return static_cast<int>(i);
  }
  return -1;
}

std::string describe_ports(const std::vector<std::string>& names) {
  if (names.empty()) return "there are no ports";
  std::string s = "the ports are:";
  for (std::size_t i = 0; i < names.size(); ++i) {
    s += (i ? ", " : " ") + std::to_string(i) + " '" + names[i] + "'";
  }
  return s;
}

}  // namespace mlstm::rt
