// `music-lstm devices`: the MIDI ports (JACK and ALSA) and audio output devices (PortAudio) that
// a session can use, and why a system is not there.
#include <rtmidi/RtMidi.h>

#include <cstdio>
#include <memory>

#include "audio/jack_audio_output.hpp"
#include "audio/portaudio_output.hpp"
#include "commands/commands.hpp"
#include "midi/midi_system.hpp"

namespace mlstm::app {
namespace {

void list_midi(rt::MidiSystem system) {
  std::printf("MIDI (%s):\n", rt::midi_system_name(system));
  try {
    rt::RtMidiErrors errors;
    const auto in = rt::make_midi_in(system, "music-lstm-devices", errors);
    const auto out = rt::make_midi_out(system, "music-lstm-devices", errors);
    const auto ins = rt::port_names(*in);
    const auto outs = rt::port_names(*out);
    if (ins.empty()) std::printf("  inputs: none\n");
    for (std::size_t i = 0; i < ins.size(); ++i) std::printf("  in  %zu: %s\n", i, ins[i].c_str());
    if (outs.empty()) std::printf("  outputs: none\n");
    for (std::size_t i = 0; i < outs.size(); ++i) {
      std::printf("  out %zu: %s\n", i, outs[i].c_str());
    }
  } catch (const rt::DeviceError& e) {
    std::printf("  not available: %s\n", e.what());
  }
}

void run_devices() {
  list_midi(rt::MidiSystem::kJack);
  list_midi(rt::MidiSystem::kAlsa);
  std::printf("Audio outputs (JACK, where --audio-device names a client):\n");
  const auto jack = rt::list_jack_devices();
  if (jack.empty()) std::printf("  none: no JACK server is running\n");
  for (const auto& d : jack) {
    std::printf("  %3d: %s (%d inputs, %.0f Hz)%s\n", d.index, d.name.c_str(), d.output_channels,
                d.default_sample_rate, d.is_default ? "  [default]" : "");
  }
  std::printf("Audio outputs (PortAudio):\n");
  const auto devices = rt::list_portaudio_devices();
  if (devices.empty()) {
    std::printf(
        "  none: no sound card; start JACK (jackd), or render offline with play --render\n");
  }
  for (const auto& d : devices) {
    std::printf("  %3d: %s / %s (%d channels, %.0f Hz)%s\n", d.index, d.host_api.c_str(),
                d.name.c_str(), d.output_channels, d.default_sample_rate,
                d.is_default ? "  [default]" : "");
  }
}

}  // namespace

void add_devices_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("devices", "List MIDI ports and audio output devices");
  cmd->callback(run_devices);
}

}  // namespace mlstm::app
