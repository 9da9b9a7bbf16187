// A host of our own for the CLAP plugin (no CLAP host is in Debian): loads music-lstm.clap by its
// entry point, creates the plugin, activates it at 48 kHz and runs blocks of 256 frames through
// it in real time with a transport at 120 bpm, playing two phrases as MIDI events; the plugin
// must pass them through and answer each on its answer channel (2), on the transport's beat when
// entry beat is asked for (parameter "entry" = 1).
//
// With --expect-silent (the plugin given no model, or a broken one): it must still pass the
// player's MIDI through, answer nothing, and not crash the host.
//
// With --instrument (music-lstm-instrument.clap, FluidSynth inside): the plugin gives stereo
// audio and no MIDI; the model's answer must sound in the seconds after each phrase, when the
// player's notes have died away (with --expect-silent too: there, nothing may).
//
//   clap_host PLUGIN.clap [--expect-silent] [--instrument]
#include <dlfcn.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "clap/audio-buffer.h"
#include "clap/entry.h"
#include "clap/events.h"
#include "clap/ext/params.h"
#include "clap/host.h"
#include "clap/plugin-factory.h"
#include "clap/plugin.h"
#include "clap/process.h"

namespace {

constexpr int kRate = 48000, kBlock = 256;
constexpr double kBpm = 120.0;

struct Timed {
  std::int64_t frame;
  std::uint8_t data[3];
};

// The events of one block, as the plugin reads them.
struct InList {
  std::vector<clap_event_midi_t> events;
  static uint32_t size(const clap_input_events_t* list) {
    return static_cast<uint32_t>(static_cast<const InList*>(list->ctx)->events.size());
  }
  static const clap_event_header_t* get(const clap_input_events_t* list, uint32_t i) {
    return &static_cast<const InList*>(list->ctx)->events[i].header;
  }
};

struct OutList {
  std::int64_t block_start = 0;
  std::vector<Timed> events;
  static bool try_push(const clap_output_events_t* list, const clap_event_header_t* e) {
    auto* self = static_cast<OutList*>(list->ctx);
    if (e->space_id == CLAP_CORE_EVENT_SPACE_ID && e->type == CLAP_EVENT_MIDI) {
      const auto* m = reinterpret_cast<const clap_event_midi_t*>(e);
      self->events.push_back({self->block_start + e->time, {m->data[0], m->data[1], m->data[2]}});
    }
    return true;
  }
};

const void* no_extension(const clap_host_t*, const char*) {
  return nullptr;
}
void nothing(const clap_host_t*) {}

int fail(const std::string& message) {
  std::printf("FAIL: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: clap_host PLUGIN.clap [--expect-silent] [--instrument]\n");
    return 2;
  }
  bool expect_silent = false, instrument = false;
  for (int i = 2; i < argc; ++i) {
    expect_silent |= std::string(argv[i]) == "--expect-silent";
    instrument |= std::string(argv[i]) == "--instrument";
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fail(std::string("cannot load the plugin: ") + dlerror());
  const auto* entry = static_cast<const clap_plugin_entry_t*>(dlsym(lib, "clap_entry"));
  if (!entry || !entry->init(argv[1])) return fail("no clap_entry, or it would not init");
  const auto* factory =
      static_cast<const clap_plugin_factory_t*>(entry->get_factory(CLAP_PLUGIN_FACTORY_ID));
  if (!factory || factory->get_plugin_count(factory) != 1) return fail("no plugin factory");
  const clap_plugin_descriptor_t* desc = factory->get_plugin_descriptor(factory, 0);
  std::printf("plugin %s (%s)\n", desc->name, desc->id);
  clap_host_t host{CLAP_VERSION, nullptr, "music-lstm test host", "music-lstm",
                   "",           "0.1",   no_extension,           nothing,
                   nothing,      nothing};
  const clap_plugin_t* plugin = factory->create_plugin(factory, &host, desc->id);
  if (!plugin || !plugin->init(plugin)) return fail("the plugin would not initialise");
  // Entry on the beat: the parameter "entry" set to its second choice.
  const auto* params =
      static_cast<const clap_plugin_params_t*>(plugin->get_extension(plugin, CLAP_EXT_PARAMS));
  clap_id entry_id = CLAP_INVALID_ID, tempo_id = CLAP_INVALID_ID;
  for (uint32_t i = 0; params && i < params->count(plugin); ++i) {
    clap_param_info_t info;
    if (!params->get_info(plugin, i, &info)) continue;
    if (std::string(info.name) == "answers enter") entry_id = info.id;
    if (std::string(info.name) == "tempo heard") tempo_id = info.id;
  }
  if (entry_id == CLAP_INVALID_ID) return fail("the plugin has no 'answers enter' parameter");
  if (!plugin->activate(plugin, kRate, 1, kBlock) || !plugin->start_processing(plugin)) {
    return fail("the plugin would not activate");
  }

  // Two phrases of 8 notes, at 0.5 s and 6.5 s.
  std::vector<Timed> player;
  for (const double start : {0.5, 6.5}) {
    for (int i = 0; i < 8; ++i) {
      const auto on = static_cast<std::int64_t>((start + 0.2 * i) * kRate);
      const auto key = static_cast<std::uint8_t>(60 + (i * 3) % 12);
      player.push_back({on, {0x90, key, 90}});
      player.push_back({on + 7200, {0x80, key, 0}});
    }
  }
  InList in;
  OutList out;
  clap_input_events_t in_events{&in, InList::size, InList::get};
  clap_output_events_t out_events{&out, OutList::try_push};
  std::size_t next = 0;
  const auto begin = std::chrono::steady_clock::now();
  const std::int64_t total = 12 * kRate;
  // The instrument's sound: the sum of squares of each 0.25 s, both channels.
  std::vector<double> energy(static_cast<std::size_t>(total / (kRate / 4)) + 1, 0.0);
  float left[kBlock], right[kBlock];
  float* channels[2] = {left, right};
  clap_audio_buffer_t audio_out{};
  audio_out.data32 = channels;
  audio_out.channel_count = 2;
  for (std::int64_t now = 0; now < total; now += kBlock) {
    in.events.clear();
    if (now == 0) {
      // The parameter as an event in the first block, as a host sends automation.
      clap_event_param_value_t v{};
      v.header = {sizeof v, 0, CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_PARAM_VALUE, 0};
      v.param_id = entry_id;
      v.note_id = -1;
      v.port_index = v.channel = v.key = -1;
      v.value = 1.0;
      params->flush(plugin, &in_events, &out_events);  // nothing pending yet
      clap_input_events_t one{&v, [](const clap_input_events_t*) -> uint32_t { return 1; },
                              [](const clap_input_events_t* l, uint32_t) {
                                return static_cast<const clap_event_header_t*>(l->ctx);
                              }};
      params->flush(plugin, &one, &out_events);
    }
    while (next < player.size() && player[next].frame < now + kBlock) {
      clap_event_midi_t m{};
      m.header = {sizeof m, static_cast<uint32_t>(player[next].frame - now),
                  CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_MIDI, CLAP_EVENT_IS_LIVE};
      std::memcpy(m.data, player[next].data, 3);
      in.events.push_back(m);
      ++next;
    }
    clap_event_transport_t t{};
    t.header = {sizeof t, 0, CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_TRANSPORT, 0};
    t.flags = CLAP_TRANSPORT_HAS_TEMPO | CLAP_TRANSPORT_HAS_BEATS_TIMELINE |
              CLAP_TRANSPORT_HAS_TIME_SIGNATURE | CLAP_TRANSPORT_IS_PLAYING;
    const double beats = kBpm / 60.0 * static_cast<double>(now) / kRate;
    t.song_pos_beats = std::llround(beats * CLAP_BEATTIME_FACTOR);
    t.bar_start = std::llround(std::floor(beats / 4) * 4 * CLAP_BEATTIME_FACTOR);
    t.bar_number = static_cast<int32_t>(beats / 4);
    t.tempo = kBpm;
    t.tsig_num = 4;
    t.tsig_denom = 4;
    out.block_start = now;
    clap_process_t p{};
    p.steady_time = now;
    p.frames_count = kBlock;
    p.transport = &t;
    p.in_events = &in_events;
    p.out_events = &out_events;
    if (instrument) {
      p.audio_outputs = &audio_out;
      p.audio_outputs_count = 1;
    }
    if (plugin->process(plugin, &p) == CLAP_PROCESS_ERROR) return fail("process() failed");
    if (instrument) {
      for (int i = 0; i < kBlock; ++i) {
        energy[static_cast<std::size_t>((now + i) / (kRate / 4))] +=
            static_cast<double>(left[i]) * left[i] + static_cast<double>(right[i]) * right[i];
      }
    }
    // In real time: the plugin's own threads plan the answers as they would in a DAW. Without a
    // model, at four times real time (a DAW's export): the plugin's threads still hear each
    // phrase end and ask the missing model (ticking every few milliseconds), in a quarter of the
    // time.
    const std::int64_t pace = expect_silent ? 4 : 1;
    std::this_thread::sleep_until(
        begin + std::chrono::microseconds((now + kBlock) * 1000000 / kRate / pace));
  }
  // The tempo the jam hears, as the host's generic UI shows it.
  double tempo_heard = 0;
  if (tempo_id != CLAP_INVALID_ID) params->get_value(plugin, tempo_id, &tempo_heard);
  plugin->stop_processing(plugin);
  plugin->deactivate(plugin);
  plugin->destroy(plugin);
  entry->deinit();

  if (instrument) {
    // Each phrase ends at about 2.05 s after it starts (8 notes 0.2 s apart, 0.15 s long); from
    // a second later only the model plays. Its answers are longer than a second and a half.
    int sounding = 0;
    for (const double start : {0.5, 6.5}) {
      double rms = 0;
      for (double t = start + 3.0; t < start + 4.5; t += 0.25) {
        rms += energy[static_cast<std::size_t>(t * 4)];
      }
      rms = std::sqrt(rms / (1.5 * kRate * 2));
      std::printf("after the phrase at %.1f s: RMS %.5f from %.1f to %.1f s\n", start, rms,
                  start + 3.0, start + 4.5);
      if (rms > 1e-3) ++sounding;
    }
    // The player's own notes sound too: the instrument is the track's.
    double played = 0;
    for (double t = 0.5; t < 2.5; t += 0.25) played += energy[static_cast<std::size_t>(t * 4)];
    played = std::sqrt(played / (2.0 * kRate * 2));
    std::printf("during the first phrase: RMS %.5f\n", played);
    if (played < 1e-3) return fail("the player's notes did not sound");
    if (!out.events.empty()) return fail("the instrument sent MIDI");
    if (expect_silent) {
      if (sounding != 0) return fail("an instrument without a model sounded after the phrase");
      std::printf("PASS: silent without a model\n");
    } else {
      if (sounding != 2) return fail("an answer did not sound");
      std::printf("PASS: both answers sounded\n");
    }
    dlclose(lib);
    return 0;
  }

  int passed = 0;
  std::vector<std::int64_t> answers;
  std::int64_t last_player = -1;
  for (const Timed& e : out.events) {
    if ((e.data[0] & 0xF0) == 0x80 || (e.data[0] & 0xF0) == 0x90) {
      if ((e.data[0] & 0x0F) == 0) {
        ++passed;
        last_player = e.frame;
      } else if (e.data[0] == 0x91 && e.data[2] > 0 &&
                 (answers.empty() || last_player > answers.back())) {
        answers.push_back(e.frame);  // the first model note after the player's last
      }
    }
  }
  std::printf("%d of %zu player events passed through; answers at", passed, player.size());
  for (const std::int64_t a : answers) std::printf(" %lld", static_cast<long long>(a));
  std::printf("\n");
  if (passed != static_cast<int>(player.size())) return fail("the player's MIDI did not pass");
  if (expect_silent) {
    if (!answers.empty()) return fail("a plugin without a model answered");
    std::printf("PASS: silent without a model, the player's MIDI passed through\n");
    dlclose(lib);
    return 0;
  }
  if (answers.size() != 2) return fail("not every phrase was answered");
  std::printf("tempo heard (an output parameter): %.1f bpm\n", tempo_heard);
  if (std::abs(tempo_heard - kBpm) > 0.5) return fail("the plugin does not show the host's tempo");
  const double period = 60.0 * kRate / kBpm;
  for (const std::int64_t a : answers) {
    const double off = static_cast<double>(a) - std::round(a / period) * period;
    std::printf("answer at frame %lld: %+.0f frames from the transport's beat\n",
                static_cast<long long>(a), off);
    if (std::abs(off) > kBlock) return fail("an answer is off the transport's beat");
  }
  std::printf("PASS\n");
  dlclose(lib);
  return 0;
}
