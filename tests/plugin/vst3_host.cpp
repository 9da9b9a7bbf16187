// A host of our own for the VST3 plugin (no VST3 host is in Debian): loads the bundle's module by
// its entry points (ModuleEntry, GetPluginFactory) through DPF's travesty headers, creates the
// audio module, activates its event buses and runs blocks of 256 frames through it in real time
// with a rolling transport at 120 bpm, playing two phrases as note events; the plugin must pass
// them through and answer each on its answer channel (2).
//
//   vst3_host BUNDLE.vst3
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "travesty/audio_processor.h"
#include "travesty/base.h"
#include "travesty/component.h"
#include "travesty/events.h"
#include "travesty/factory.h"

namespace {

constexpr int kRate = 48000, kBlock = 256;
constexpr double kBpm = 120.0;

// An event list the plugin reads (input) or fills (output): a COM object whose first member
// points at its table of functions (IUnknown's, then IEventList's).
struct EventList {
  const v3_event_list_cpp* table;
  std::vector<v3_event> events;

  static v3_result V3_API query_interface(void* self, const v3_tuid iid, void** obj) {
    if (v3_tuid_match(iid, v3_funknown_iid) || v3_tuid_match(iid, v3_event_list_iid)) {
      *obj = self;
      return V3_OK;
    }
    *obj = nullptr;
    return V3_NO_INTERFACE;
  }
  static uint32_t V3_API ref(void*) { return 1; }  // on the host's stack: never freed by refs
  static uint32_t V3_API count(void* self) {
    return static_cast<uint32_t>(static_cast<EventList*>(self)->events.size());
  }
  static v3_result V3_API get(void* self, int32_t i, v3_event* e) {
    auto& events = static_cast<EventList*>(self)->events;
    if (i < 0 || i >= static_cast<int32_t>(events.size())) return V3_INVALID_ARG;
    *e = events[static_cast<std::size_t>(i)];
    return V3_OK;
  }
  static v3_result V3_API add(void* self, v3_event* e) {
    static_cast<EventList*>(self)->events.push_back(*e);
    return V3_OK;
  }
};

const v3_event_list_cpp kEventListTable = [] {
  v3_event_list_cpp t{};
  t.query_interface = EventList::query_interface;
  t.ref = EventList::ref;
  t.unref = EventList::ref;
  t.list.get_event_count = EventList::count;
  t.list.get_event = EventList::get;
  t.list.add_event = EventList::add;
  return t;
}();

// The output parameter changes the plugin reports (its "model loaded" output): one queue of
// points per parameter, COM objects as above.
struct ParamQueue {
  const v3_param_value_queue_cpp* table;
  v3_param_id id = 0;
  std::vector<double> values;

  static v3_param_id V3_API get_id(void* self) { return static_cast<ParamQueue*>(self)->id; }
  static int32_t V3_API count(void* self) {
    return static_cast<int32_t>(static_cast<ParamQueue*>(self)->values.size());
  }
  static v3_result V3_API get(void* self, int32_t i, int32_t* offset, double* value) {
    *offset = 0;
    *value = static_cast<ParamQueue*>(self)->values.at(static_cast<std::size_t>(i));
    return V3_OK;
  }
  static v3_result V3_API add(void* self, int32_t, double value, int32_t* index) {
    auto& values = static_cast<ParamQueue*>(self)->values;
    values.push_back(value);
    *index = static_cast<int32_t>(values.size()) - 1;
    return V3_OK;
  }
};

const v3_param_value_queue_cpp kParamQueueTable = [] {
  v3_param_value_queue_cpp t{};
  t.query_interface = EventList::query_interface;  // answers for itself alike
  t.ref = EventList::ref;
  t.unref = EventList::ref;
  t.queue.get_param_id = ParamQueue::get_id;
  t.queue.get_point_count = ParamQueue::count;
  t.queue.get_point = ParamQueue::get;
  t.queue.add_point = ParamQueue::add;
  return t;
}();

struct ParamChanges {
  const v3_param_changes_cpp* table;
  std::vector<ParamQueue> queues;  // reserved up front: the plugin holds pointers into it

  static int32_t V3_API count(void* self) {
    return static_cast<int32_t>(static_cast<ParamChanges*>(self)->queues.size());
  }
  static v3_param_value_queue** V3_API get(void* self, int32_t i) {
    auto& queues = static_cast<ParamChanges*>(self)->queues;
    return reinterpret_cast<v3_param_value_queue**>(&queues.at(static_cast<std::size_t>(i)));
  }
  static v3_param_value_queue** V3_API add(void* self, v3_param_id* id, int32_t* index) {
    auto& queues = static_cast<ParamChanges*>(self)->queues;
    for (std::size_t i = 0; i < queues.size(); ++i) {
      if (queues[i].id == *id) {
        *index = static_cast<int32_t>(i);
        return reinterpret_cast<v3_param_value_queue**>(&queues[i]);
      }
    }
    if (queues.size() == queues.capacity()) return nullptr;
    queues.push_back({&kParamQueueTable, *id, {}});
    *index = static_cast<int32_t>(queues.size()) - 1;
    return reinterpret_cast<v3_param_value_queue**>(&queues.back());
  }
};

const v3_param_changes_cpp kParamChangesTable = [] {
  v3_param_changes_cpp t{};
  t.query_interface = EventList::query_interface;
  t.ref = EventList::ref;
  t.unref = EventList::ref;
  t.changes.get_param_count = ParamChanges::count;
  t.changes.get_param_data = ParamChanges::get;
  t.changes.add_param_data = ParamChanges::add;
  return t;
}();

int fail(const std::string& message) {
  std::printf("FAIL: %s\n", message.c_str());
  return 1;
}

struct Note {
  std::int64_t frame;
  bool on;
  int channel, pitch;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: vst3_host BUNDLE.vst3\n");
    return 2;
  }
  const std::string module = std::string(argv[1]) + "/Contents/x86_64-linux/music-lstm.so";
  void* lib = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fail(std::string("cannot load the module: ") + dlerror());
  const auto module_entry = reinterpret_cast<bool (*)(void*)>(dlsym(lib, "ModuleEntry"));
  const auto get_factory =
      reinterpret_cast<v3_plugin_factory** (*)()>(dlsym(lib, "GetPluginFactory"));
  if (!module_entry || !get_factory || !module_entry(lib)) {
    return fail("no ModuleEntry or GetPluginFactory, or ModuleEntry failed");
  }
  v3_plugin_factory** factory = get_factory();
  v3_tuid cid{};
  bool found = false;
  for (int32_t i = 0; i < v3_cpp_obj(factory)->num_classes(factory); ++i) {
    v3_class_info info{};
    v3_cpp_obj(factory)->get_class_info(factory, i, &info);
    if (std::string(info.category) == "Audio Module Class") {
      std::memcpy(cid, info.class_id, sizeof cid);
      std::printf("plugin %s\n", info.name);
      found = true;
    }
  }
  if (!found) return fail("the factory has no audio module");
  v3_component** component = nullptr;
  if (v3_cpp_obj(factory)->create_instance(factory, cid, v3_component_iid,
                                           reinterpret_cast<void**>(&component)) != V3_OK ||
      v3_cpp_obj_initialize(component, nullptr) != V3_OK) {
    return fail("the audio module would not initialise");
  }
  v3_audio_processor** processor = nullptr;
  if (v3_cpp_obj_query_interface(component, v3_audio_processor_iid, &processor) != V3_OK) {
    return fail("the module is no audio processor");
  }
  for (const int32_t direction : {V3_INPUT, V3_OUTPUT}) {
    if (v3_cpp_obj(component)->get_bus_count(component, V3_EVENT, direction) != 1) {
      return fail("the module has not one event bus each way");
    }
    v3_cpp_obj(component)->activate_bus(component, V3_EVENT, direction, 0, true);
  }
  v3_process_setup setup{V3_REALTIME, V3_SAMPLE_32, kBlock, kRate};
  if (v3_cpp_obj(processor)->setup_processing(processor, &setup) != V3_OK ||
      v3_cpp_obj(component)->set_active(component, true) != V3_OK) {
    return fail("the module would not activate");
  }
  v3_cpp_obj(processor)->set_processing(processor, true);

  std::vector<Note> player;
  for (const double start : {0.5, 6.5}) {
    for (int i = 0; i < 8; ++i) {
      const auto on = static_cast<std::int64_t>((start + 0.2 * i) * kRate);
      player.push_back({on, true, 0, 60 + (i * 3) % 12});
      player.push_back({on + 7200, false, 0, 60 + (i * 3) % 12});
    }
  }
  EventList in{&kEventListTable, {}}, out{&kEventListTable, {}};
  ParamChanges outputs{&kParamChangesTable, {}};
  outputs.queues.reserve(64);
  double model_loaded = -1;
  auto* in_list = reinterpret_cast<v3_event_list**>(&in);
  auto* out_list = reinterpret_cast<v3_event_list**>(&out);
  std::vector<Note> heard;
  std::size_t next = 0;
  const auto begin = std::chrono::steady_clock::now();
  for (std::int64_t now = 0; now < 12 * kRate; now += kBlock) {
    in.events.clear();
    out.events.clear();
    while (next < player.size() && player[next].frame < now + kBlock) {
      v3_event e{};
      e.sample_offset = static_cast<int32_t>(player[next].frame - now);
      e.type = player[next].on ? V3_EVENT_NOTE_ON : V3_EVENT_NOTE_OFF;
      if (player[next].on) {
        e.note_on = {0, static_cast<int16_t>(player[next].pitch), 0.0f, 0.7f, 0, -1};
      } else {
        e.note_off = {0, static_cast<int16_t>(player[next].pitch), 0.0f, 0, 0.0f};
      }
      in.events.push_back(e);
      ++next;
    }
    v3_process_context ctx{};
    ctx.state = V3_PROCESS_CTX_PLAYING | V3_PROCESS_CTX_PROJECT_TIME_VALID |
                V3_PROCESS_CTX_TEMPO_VALID | V3_PROCESS_CTX_BAR_POSITION_VALID |
                V3_PROCESS_CTX_TIME_SIG_VALID;
    ctx.sample_rate = kRate;
    ctx.project_time_in_samples = now;
    ctx.project_time_quarters = kBpm / 60.0 * static_cast<double>(now) / kRate;
    ctx.bar_position_quarters = std::floor(ctx.project_time_quarters / 4) * 4;
    ctx.bpm = kBpm;
    ctx.time_sig_numerator = 4;
    ctx.time_sig_denom = 4;
    v3_process_data data{};
    data.process_mode = V3_REALTIME;
    data.symbolic_sample_size = V3_SAMPLE_32;
    data.nframes = kBlock;
    data.input_events = in_list;
    data.output_events = out_list;
    outputs.queues.clear();
    data.output_params = reinterpret_cast<v3_param_changes**>(&outputs);
    data.ctx = &ctx;
    if (v3_cpp_obj(processor)->process(processor, &data) != V3_OK) return fail("process failed");
    for (const v3_event& e : out.events) {
      if (e.type == V3_EVENT_NOTE_ON && e.note_on.velocity > 0) {
        heard.push_back({now + e.sample_offset, true, e.note_on.channel, e.note_on.pitch});
      } else if (e.type == V3_EVENT_NOTE_OFF || e.type == V3_EVENT_NOTE_ON) {
        heard.push_back({now + e.sample_offset, false, e.note_off.channel, e.note_off.pitch});
      }
    }
    // Output parameters come normalised; ours is the only one whose value changes from 0.
    for (const ParamQueue& q : outputs.queues) {
      if (!q.values.empty()) model_loaded = std::max(model_loaded, q.values.back());
    }
    std::this_thread::sleep_until(begin +
                                  std::chrono::microseconds((now + kBlock) * 1000000 / kRate));
  }
  v3_cpp_obj(processor)->set_processing(processor, false);
  v3_cpp_obj(component)->set_active(component, false);
  v3_cpp_obj_unref(processor);
  reinterpret_cast<v3_component_cpp*>(*component)->base.terminate(component);
  v3_cpp_obj_unref(component);

  int passed = 0;
  std::vector<std::int64_t> answers;
  std::int64_t last_player = -1;
  for (const Note& n : heard) {
    if (n.channel == 0) {
      ++passed;
      last_player = n.frame;
    } else if (n.channel == 1 && n.on && (answers.empty() || last_player > answers.back())) {
      answers.push_back(n.frame);
    }
  }
  std::printf("%d of %zu player events passed through; answers at", passed, player.size());
  for (const std::int64_t a : answers) std::printf(" %lld", static_cast<long long>(a));
  std::printf("\n");
  if (passed != static_cast<int>(player.size())) return fail("the player's notes did not pass");
  if (answers.size() != 2) return fail("not every phrase was answered");
  std::printf("output parameters: the highest value reported %.1f (model loaded)\n", model_loaded);
  if (model_loaded != 1.0) return fail("the plugin did not report its model loaded");
  std::printf("PASS\n");
  const auto module_exit = reinterpret_cast<bool (*)()>(dlsym(lib, "ModuleExit"));
  if (module_exit) module_exit();
  dlclose(lib);
  return 0;
}
