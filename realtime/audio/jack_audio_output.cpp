#include "audio/jack_audio_output.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>

#include "midi/jack_midi_input.hpp"
#include "midi/jack_midi_output.hpp"
#include "midi/midi_system.hpp"

namespace mlstm::rt {
namespace {

void quiet(const char*) {}

std::string client_of(const std::string& port) {
  return port.substr(0, port.find(':'));
}

// Audio input ports by client, in the server's order, ours left out; "system" first.
std::vector<std::pair<std::string, std::vector<std::string>>> playback_clients(
    jack_client_t* client) {
  std::vector<std::pair<std::string, std::vector<std::string>>> clients;
  const char** ports = jack_get_ports(client, nullptr, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput);
  if (!ports) return clients;
  const std::string own = jack_get_client_name(client);
  for (const char** p = ports; *p; ++p) {
    const std::string name = client_of(*p);
    if (name == own) continue;
    auto it = std::find_if(clients.begin(), clients.end(),
                           [&](const auto& c) { return c.first == name; });
    if (it == clients.end()) it = clients.insert(clients.end(), {name, {}});
    it->second.emplace_back(*p);
  }
  jack_free(ports);
  std::stable_partition(clients.begin(), clients.end(),
                        [](const auto& c) { return c.first == "system"; });
  return clients;
}

std::vector<AudioDeviceInfo> device_infos(jack_client_t* client) {
  std::vector<AudioDeviceInfo> devices;
  const auto clients = playback_clients(client);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    devices.push_back({static_cast<int>(i), "JACK", clients[i].first,
                       static_cast<int>(clients[i].second.size()),
                       static_cast<double>(jack_get_sample_rate(client)), i == 0});
  }
  return devices;
}

std::string names_of(const std::vector<AudioDeviceInfo>& devices) {
  std::string names;
  for (const auto& d : devices) {
    names += (names.empty() ? "" : ", ") + std::to_string(d.index) + " '" + d.name + "'";
  }
  return names.empty() ? "none" : names;
}

}  // namespace

std::vector<AudioDeviceInfo> list_jack_devices() {
  jack_set_error_function(quiet);
  jack_set_info_function(quiet);
  jack_status_t status{};
  jack_client_t* client = jack_client_open("music-lstm-list", JackNoStartServer, &status);
  if (!client) return {};
  auto devices = device_infos(client);
  jack_client_close(client);
  return devices;
}

JackAudioOutput::JackAudioOutput(BlockRenderer& renderer, const AudioOptions& options,
                                 JackShare share)
    : renderer_(renderer), share_(share), device_(options.device) {
  if (!share_.client) {
    own_ = std::make_unique<JackClient>(options.client);
    share_.client = own_.get();
  }
  client_ = share_.client->get();
  const std::string name = share_.client->name();
  sample_rate_ = static_cast<int>(jack_get_sample_rate(client_));
  block_frames_ = static_cast<int>(jack_get_buffer_size(client_));
  if (sample_rate_ != options.sample_rate) {
    throw DeviceError("the JACK server runs at " + std::to_string(sample_rate_) + " Hz, not " +
                      std::to_string(options.sample_rate) + ": pass --sample-rate " +
                      std::to_string(sample_rate_) + " (or restart jackd with -r " +
                      std::to_string(options.sample_rate) + ")");
  }
  context_ = std::make_unique<CallbackContext>();
  context_->renderer = &renderer_;
  context_->stats = &stats_;
  context_->sample_rate = sample_rate_;
  ports_[0] = jack_port_register(client_, "out_left", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  ports_[1] =
      jack_port_register(client_, "out_right", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  if (!ports_[0] || !ports_[1] ||
      jack_set_xrun_callback(client_, &JackAudioOutput::on_xrun, this) != 0) {
    throw DeviceError("cannot register the JACK audio ports of '" + name + "'");
  }
  share_.client->set_process(&JackAudioOutput::process, this);
}

JackAudioOutput::~JackAudioOutput() {
  stop();
  // The jam's client outlives us: our ports go, so that a session that opens the audio again
  // (a device switch) can register them anew.
  if (!own_ && !share_.client->server_lost()) {
    for (jack_port_t* p : ports_) {
      if (p) jack_port_unregister(client_, p);
    }
  }
}

void JackAudioOutput::start() {
  if (active_) return;
  share_.client->activate();
  active_ = true;
  if (const std::string error = connect_to(device_); !error.empty()) {
    stop();
    throw DeviceError(error);
  }
}

void JackAudioOutput::stop() {
  if (!active_) return;
  active_ = false;
  // A server that dropped us is gone: deactivating would wait on it (JackClient knows).
  share_.client->deactivate();
}

bool JackAudioOutput::running() const {
  return active_ && !share_.client->server_lost();
}

// REAL-TIME CODE: JACK's process thread. libjack's port and time reads are lock-free by design;
// render_planar is the part RealtimeSanitizer checks (tests/realtime/).
int JackAudioOutput::process(jack_nframes_t frames, void* self) noexcept MLSTM_NONBLOCKING {
  auto& o = *static_cast<JackAudioOutput*>(self);
  auto* left = static_cast<float*>(jack_port_get_buffer(o.ports_[0], frames));
  auto* right = static_cast<float*>(jack_port_get_buffer(o.ports_[1], frames));
  // The cycle's start on the steady clock, from JACK's time (the clock the MIDI input maps its
  // events with) rather than from when this thread woke up.
  const std::int64_t steady_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::steady_clock::now().time_since_epoch())
                                      .count();
  jack_nframes_t cycle_frames = 0;
  jack_time_t cycle_us = 0, next_us = 0;
  float period_us = 0;
  std::int64_t start = steady_now;
  const bool timed =
      jack_get_cycle_times(o.client_, &cycle_frames, &cycle_us, &next_us, &period_us) == 0;
  if (timed) {
    const jack_time_t now_us = jack_get_time();
    start = steady_now +
            (static_cast<std::int64_t>(cycle_us) - static_cast<std::int64_t>(now_us)) * 1000;
    // When this cycle really began (JACK's cycle times are its clock's smoothed estimate; the
    // frames since the cycle's start count from the driver's actual wake-up), to a frame.
    const jack_time_t began_us =
        now_us - static_cast<jack_time_t>(jack_frames_since_cycle_start(o.client_)) * 1'000'000 /
                     static_cast<jack_time_t>(std::max(o.sample_rate_, 1));
    o.check_cycle(cycle_frames, began_us);
  }
  if (o.share_.midi_in || o.share_.midi_out) {
    // The jam's client: the player's MIDI of this cycle at its frames, the model's written back.
    if (o.share_.midi_in) {
      o.share_.midi_in->read(frames, o.midi_in_);
    } else {
      o.midi_in_.clear();
    }
    render_planar(*o.context_, left, right, frames, start, o.midi_in_.events(), &o.midi_out_);
    if (o.share_.midi_out) o.share_.midi_out->write(frames, o.midi_out_.events());
  } else {
    render_planar(*o.context_, left, right, frames, start);
  }
  if (timed) {
    o.last_frames_ = frames;
    o.last_finish_us_ = jack_get_time();
  }
  return 0;
}

// REAL-TIME CODE (called from process at a cycle's start): did the last cycle cost the output
// samples? The same test JACK's engine makes, seen from our side: our last buffers are late when
// we finished them after this cycle began (JACK's "finished after current callback", or "not
// finished"), and lost when JACK ran cycles without us (the frames jumped by more than one
// period). An overrun (our own work longer than a period) was counted by CallbackStats already;
// what is left is a late wake-up: the scheduler's.
void JackAudioOutput::check_cycle(jack_nframes_t cycle_frames, jack_time_t began_us) noexcept {
  if (have_cycle_) {
    const bool skipped = cycle_frames - last_cycle_frames_ != last_frames_;
    // began_us is at most a frame early (whole frames since the start): a frame's grace.
    const jack_time_t frame_us =
        1'000'000 / static_cast<jack_time_t>(std::max(sample_rate_, 1)) + 1;
    const bool late = last_finish_us_ > began_us + frame_us;
    if ((skipped || late) && !context_->last_overran) stats_.add_xrun();
  }
  have_cycle_ = true;
  last_cycle_frames_ = cycle_frames;
}

// JACK's notification thread. A late driver wake-up reports how late it was: the whole graph,
// ours included, missed that cycle. Any other notification is about another client (or ours
// around activation), and if our cycle suffered, check_cycle saw it.
int JackAudioOutput::on_xrun(void* self) noexcept {
  auto& o = *static_cast<JackAudioOutput*>(self);
  o.stats_.add_notification();
  const float delayed = jack_get_xrun_delayed_usecs(o.client_);
  if (delayed > 0 && delayed != o.last_driver_delay_) o.stats_.add_xrun();
  o.last_driver_delay_ = delayed;
  return 0;
}

std::vector<AudioDeviceInfo> JackAudioOutput::devices() const {
  if (share_.client->server_lost()) return {};
  return device_infos(client_);
}

std::vector<std::string> JackAudioOutput::target_ports(const std::string& device,
                                                       std::string& error) const {
  const auto clients = playback_clients(client_);
  if (device.empty()) {
    // The physical playback ports (a sound card behind JACK), else the first client there is.
    const char** physical = jack_get_ports(client_, nullptr, JACK_DEFAULT_AUDIO_TYPE,
                                           JackPortIsInput | JackPortIsPhysical);
    std::vector<std::string> ports;
    if (physical) {
      for (const char** p = physical; *p; ++p) ports.emplace_back(*p);
      jack_free(physical);
    }
    if (ports.empty() && !clients.empty()) ports = clients.front().second;
    if (ports.empty()) error = "no JACK playback ports to connect to (jack_lsp lists the ports)";
    return ports;
  }
  const std::vector<AudioDeviceInfo> infos = device_infos(client_);
  const AudioDeviceInfo* chosen = nullptr;
  for (const auto& d : infos) {
    if (device == std::to_string(d.index) || to_lower(d.name) == to_lower(device)) chosen = &d;
  }
  for (const auto& d : infos) {
    if (!chosen && to_lower(d.name).find(to_lower(device)) != std::string::npos) chosen = &d;
  }
  if (!chosen) {
    error = "no JACK audio device '" + device + "'; there are: " + names_of(infos);
    return {};
  }
  return clients[static_cast<std::size_t>(chosen->index)].second;
}

std::string JackAudioOutput::connect_to(const std::string& device) {
  std::string error;
  const std::vector<std::string> ports = target_ports(device, error);
  if (ports.empty()) return error;
  // Left to the first port, right to the second (both to a mono device's only one).
  std::vector<std::string> done;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string& to = ports[std::min(i, ports.size() - 1)];
    const int rc = jack_connect(client_, jack_port_name(ports_[i]), to.c_str());
    if (rc != 0 && rc != EEXIST) {
      for (std::size_t k = 0; k < done.size(); ++k) {
        jack_disconnect(client_, jack_port_name(ports_[k]), done[k].c_str());
      }
      return "cannot connect the audio to " + to + " (did it just go away?)";
    }
    done.push_back(to);
  }
  connected_ = done;
  device_ = client_of(ports.front());
  return {};
}

std::string JackAudioOutput::switch_device(const std::string& device, bool& reopen_needed) {
  reopen_needed = false;
  if (!running()) return "the audio output is not running";
  const std::vector<std::string> old = connected_;
  // Connect the new one first: the sound moves without a silent moment.
  const std::string error = connect_to(device);
  if (!error.empty()) return error;
  for (std::size_t i = 0; i < old.size(); ++i) {
    if (connected_[i] != old[i]) {
      jack_disconnect(client_, jack_port_name(ports_[i]), old[i].c_str());
    }
  }
  return {};
}

std::string JackAudioOutput::description() const {
  return "JACK device '" + device_ + "', " + std::to_string(sample_rate_) + " Hz, " +
         std::to_string(block_frames_) + " frames";
}

double JackAudioOutput::output_latency_ms() const {
  jack_latency_range_t range{};
  jack_port_get_latency_range(ports_[0], JackPlaybackLatency, &range);
  return 1000.0 * static_cast<double>(range.max) / sample_rate_;
}

}  // namespace mlstm::rt
