#pragma once
// Which MIDI system to use (JACK or ALSA), and finding ports on it. RtMidi does the work; this
// file chooses the API (a default-constructed RtMidiIn picks ALSA, which throws on a machine
// without /dev/snd/seq even where JACK runs) and turns RtMidi's errors into one clear line.

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

class RtMidi;
class RtMidiIn;
class RtMidiOut;

namespace mlstm::rt {

class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class MidiSystem { kAuto, kJack, kAlsa };

// "auto", "jack", "alsa"; throws DeviceError naming the choices.
MidiSystem parse_midi_system(const std::string& name);
const char* midi_system_name(MidiSystem system);

// Is a JACK server running (JACK_DEFAULT_SERVER respected)? Asks libjack quietly, starts nothing.
bool jack_server_running();

// The system `choice` resolves to: kAuto is JACK when a server runs, else ALSA when
// /dev/snd/seq exists. Throws DeviceError with what to do when neither is there.
MidiSystem resolve_midi_system(MidiSystem choice);

// RtMidi's errors after the client exists: with an error callback set, RtMidi reports through it
// instead of throwing, possibly from its own input thread, so the callback only keeps the text and
// the caller checks after each call.
class RtMidiErrors {
 public:
  void keep(const std::string& text);
  // The error kept since the last call, or empty.
  std::string take();

 private:
  std::mutex mutex_;
  std::string text_;
};

// RtMidi clients on a resolved system, named `client` in the port graph, reporting to `errors`.
// Throws DeviceError.
std::unique_ptr<RtMidiIn> make_midi_in(MidiSystem system, const std::string& client,
                                       RtMidiErrors& errors);
std::unique_ptr<RtMidiOut> make_midi_out(MidiSystem system, const std::string& client,
                                         RtMidiErrors& errors);

// The MIDI input ports there are now on `system` (resolved), for a list to choose from; empty
// when the system is not there.
std::vector<std::string> list_midi_inputs(MidiSystem system);

// The port names an RtMidi object sees now.
std::vector<std::string> port_names(RtMidi& midi);
// A port by number ("2") or by part of its name, case-insensitive; -1 when none matches. A name
// that matches several ports picks the first.
int find_port(const std::vector<std::string>& names, const std::string& spec);
// Lower case, for matching port and device names case-insensitively (also audio/).
std::string to_lower(std::string s);
// "the ports are: 0 'a', 1 'b'" or "there are no ports", for error lines.
std::string describe_ports(const std::vector<std::string>& names);

}  // namespace mlstm::rt
