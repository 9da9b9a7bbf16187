#include "audio/portaudio_output.hpp"

#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <pa_jack.h>
#include <portaudio.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "midi/midi_system.hpp"

namespace mlstm::rt {
namespace {

void quiet_alsa(const char*, int, const char*, int, const char*, ...) {}
void quiet_jack(const char*) {}

std::string pa_error(PaError e) {
  return Pa_GetErrorText(e);
}

}  // namespace

// PortAudio is initialised once for all users and terminated with the last one. Its ALSA and JACK
// host APIs print pages of probing noise on a machine without a sound card or server: silenced,
// since we say in one line what is missing.
struct PortAudioOutput::Library {
  explicit Library(const std::string& client) {
    snd_lib_error_set_handler(quiet_alsa);
    jack_set_error_function(quiet_jack);
    jack_set_info_function(quiet_jack);
    PaJack_SetClientName(client.c_str());
    const PaError e = Pa_Initialize();
    if (e != paNoError) throw DeviceError("PortAudio cannot start: " + pa_error(e));
  }
  ~Library() { Pa_Terminate(); }

  static std::shared_ptr<Library> get(const std::string& client) {
    static std::mutex mutex;
    static std::weak_ptr<Library> current;
    std::lock_guard lock(mutex);
    auto library = current.lock();
    if (!library) {
      library = std::make_shared<Library>(client);
      current = library;
    }
    return library;
  }
};

std::vector<AudioDeviceInfo> list_portaudio_devices() {
  const auto library = PortAudioOutput::Library::get("music-lstm-portaudio");
  std::vector<AudioDeviceInfo> devices;
  const int count = Pa_GetDeviceCount();
  for (int i = 0; i < count; ++i) {
    const PaDeviceInfo* d = Pa_GetDeviceInfo(i);
    if (!d || d->maxOutputChannels < 1) continue;
    const PaHostApiInfo* api = Pa_GetHostApiInfo(d->hostApi);
    if (api && api->type == paJACK) continue;
    devices.push_back({i, api ? api->name : "?", d->name, d->maxOutputChannels,
                       d->defaultSampleRate, api && api->defaultOutputDevice == i});
  }
  return devices;
}

PortAudioOutput::PortAudioOutput(BlockRenderer& renderer, const AudioOptions& options)
    : library_(Library::get("music-lstm-portaudio")), renderer_(renderer) {
  // The host API: the one asked for, else PortAudio's default; never its JACK host.
  PaHostApiIndex api = -1;
  std::string apis = "JACK";
  for (PaHostApiIndex i = 0; i < Pa_GetHostApiCount(); ++i) {
    const PaHostApiInfo* info = Pa_GetHostApiInfo(i);
    if (info->type == paJACK) continue;
    apis += ", " + std::string(info->name);
    const bool wanted = !options.host_api.empty() &&
                        to_lower(info->name).find(to_lower(options.host_api)) != std::string::npos;
    if (wanted && api < 0) api = i;
  }
  if (api < 0 && !options.host_api.empty()) {
    throw DeviceError("no audio host API '" + options.host_api + "'; there are: " + apis);
  }
  if (api < 0) api = Pa_GetDefaultHostApi();
  if (api >= 0 && Pa_GetHostApiInfo(api)->type == paJACK) api = -1;
  const PaHostApiInfo* api_info = api >= 0 ? Pa_GetHostApiInfo(api) : nullptr;

  PaDeviceIndex device = paNoDevice;
  std::string names;
  if (api_info) {
    for (int k = 0; k < api_info->deviceCount; ++k) {
      const PaDeviceIndex d = Pa_HostApiDeviceIndexToDeviceIndex(api, k);
      const PaDeviceInfo* info = Pa_GetDeviceInfo(d);
      if (!info || info->maxOutputChannels < 2) continue;
      names += (names.empty() ? "" : ", ") + std::to_string(d) + " '" + info->name + "'";
      const bool match = !options.device.empty() &&
                         (options.device == std::to_string(d) ||
                          to_lower(info->name).find(to_lower(options.device)) != std::string::npos);
      if (match && device == paNoDevice) device = d;
    }
    if (options.device.empty()) device = api_info->defaultOutputDevice;
  }
  if (device == paNoDevice || device < 0) {
    if (!options.device.empty() && !names.empty()) {
      throw DeviceError("no audio output device '" + options.device + "' on " + api_info->name +
                        "; there are: " + names);
    }
    throw DeviceError(
        "no audio output device (no sound card and no JACK server): start JACK (jackd), or "
        "render offline with --render out.wav");
  }
  const PaDeviceInfo* info = Pa_GetDeviceInfo(device);

  context_ = std::make_unique<CallbackContext>();
  context_->renderer = &renderer_;
  context_->stats = &stats_;
  context_->sample_rate = options.sample_rate;
  PaStreamParameters out{};
  out.device = device;
  out.channelCount = 2;
  out.sampleFormat = paFloat32;
  out.suggestedLatency = info->defaultLowOutputLatency;
  PaStream* stream = nullptr;
  const PaError e = Pa_OpenStream(&stream, nullptr, &out, options.sample_rate,
                                  static_cast<unsigned long>(options.block_frames), paNoFlag,
                                  audio_callback, context_.get());
  if (e != paNoError) {
    throw DeviceError("cannot open audio device '" + std::string(info->name) + "' at " +
                      std::to_string(options.sample_rate) + " Hz, " +
                      std::to_string(options.block_frames) + " frames: " + pa_error(e));
  }
  stream_ = stream;
  block_frames_ = options.block_frames;
  host_api_ = Pa_GetHostApiInfo(info->hostApi)->name;
  const PaStreamInfo* stream_info = Pa_GetStreamInfo(stream);
  latency_ms_ = stream_info ? stream_info->outputLatency * 1000.0 : 0.0;
  description_ = std::string(Pa_GetHostApiInfo(info->hostApi)->name) + " device '" + info->name +
                 "', " + std::to_string(options.sample_rate) + " Hz, " +
                 std::to_string(options.block_frames) + " frames";
}

PortAudioOutput::~PortAudioOutput() {
  if (stream_) {
    stop();
    Pa_CloseStream(static_cast<PaStream*>(stream_));
  }
}

void PortAudioOutput::start() {
  const PaError e = Pa_StartStream(static_cast<PaStream*>(stream_));
  if (e != paNoError) throw DeviceError("cannot start the audio stream: " + pa_error(e));
}

void PortAudioOutput::stop() {
  auto* s = static_cast<PaStream*>(stream_);
  if (s && Pa_IsStreamActive(s) == 1) Pa_StopStream(s);
}

std::vector<AudioDeviceInfo> PortAudioOutput::devices() const {
  std::vector<AudioDeviceInfo> all = list_portaudio_devices(), same;
  for (auto& d : all) {
    if (d.host_api == host_api_) same.push_back(std::move(d));
  }
  return same;
}

bool PortAudioOutput::running() const {
  return stream_ && Pa_IsStreamActive(static_cast<PaStream*>(stream_)) == 1;
}

}  // namespace mlstm::rt
