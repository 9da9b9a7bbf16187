#include "audio/audio_output.hpp"

#include "audio/jack_audio_output.hpp"
#include "audio/portaudio_output.hpp"
#include "midi/midi_system.hpp"

namespace mlstm::rt {

bool uses_jack(const std::string& host_api) {
  if (host_api.empty()) return jack_server_running();
  return to_lower(host_api) == "jack";
}

std::unique_ptr<AudioOutput> open_audio_output(BlockRenderer& renderer, const AudioOptions& options,
                                               JackShare jack) {
  if (uses_jack(options.host_api)) {
    return std::make_unique<JackAudioOutput>(renderer, options, jack);
  }
  return std::make_unique<PortAudioOutput>(renderer, options);
}

std::vector<AudioDeviceInfo> list_audio_devices(const std::string& host_api) {
  if (uses_jack(host_api)) return list_jack_devices();
  std::vector<AudioDeviceInfo> devices;
  for (auto& d : list_portaudio_devices()) {
    if (host_api.empty() || to_lower(d.host_api).find(to_lower(host_api)) != std::string::npos)
      devices.push_back(std::move(d));
  }
  return devices;
}

}  // namespace mlstm::rt
