// Every view of the jam's knobs agrees with the knob table (issue 34, "a test walks the knob
// table"): for each knob, its name, its range (or choices) and its default as
//  - the jam's command line takes them (--<knob>: the ends taken, beyond refused, the default
//    when not given),
//  - a preset takes them (the same, from a JSON file),
//  - the panel's widget shows them (ui/panel/knob_widgets.hpp), in a build with the panel,
//  - a host sees the plugin's parameters: the CLAP bundle loaded by its entry point, its
//    parameters read through clap.params (MUSIC_LSTM_TEST_CLAP names it; without a plugin built
//    that view is skipped with a line saying so).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "jam/knob_options.hpp"
#include "perform/jam_preset.hpp"
#include "perform/knob_table.hpp"
#ifdef MUSIC_LSTM_HAVE_UI
#include "panel/knob_widgets.hpp"
#endif
#ifdef MUSIC_LSTM_HAVE_CLAP_HEADERS
#include "clap/entry.h"
#include "clap/ext/params.h"
#include "clap/host.h"
#include "clap/plugin-factory.h"
#endif

namespace mlstm::app {
namespace {

using rt::KnobKind;
using rt::KnobSpec;

bool ranged(const KnobSpec& k) {
  return k.kind == KnobKind::kWhole || k.kind == KnobKind::kNumber;
}

// A value just outside the range on each side.
std::pair<double, double> beyond(const KnobSpec& k) {
  const double step = k.kind == KnobKind::kWhole ? 1.0 : (k.hi - k.lo) * 0.05;
  return {k.lo - step, k.hi + step};
}

// The command line's view: whether `--id value` is taken (and what the knob reads then).
std::optional<std::string> from_command_line(const KnobSpec& k, const std::string& value) {
  CLI::App app;
  std::map<std::string, std::string> given;
  add_knob_options(&app, given);
  app.parse(std::vector<std::string>{value, "--" + k.id});
  rt::JamSettings s;
  try {
    apply_knob_options(given, s);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--" + k.id), std::string::npos) << e.what();
    return std::nullopt;
  }
  return rt::knob_value(s, k.id);
}

// A preset's view: whether {"id": value} is taken (and what the knob reads then).
std::optional<std::string> from_preset(const KnobSpec& k, const nlohmann::json& value) {
  const auto file = std::filesystem::path(testing::TempDir()) / ("agree-" + k.id + ".json");
  std::ofstream(file) << nlohmann::json{{k.id, value}}.dump();
  rt::JamSettings s;
  try {
    rt::load_preset(file, s);
  } catch (const rt::PresetError& e) {
    EXPECT_NE(std::string(e.what()).find(k.id), std::string::npos) << e.what();
    return std::nullopt;
  }
  return rt::knob_value(s, k.id);
}

nlohmann::json preset_number(const KnobSpec& k, double v) {
  if (k.kind == KnobKind::kWhole) return static_cast<long long>(std::llround(v));
  return v;
}

TEST(KnobViews, TheCommandLineAndPresetsTakeEachKnobsRangeAndDefault) {
  for (const KnobSpec& k : rt::knob_table()) {
    SCOPED_TRACE(k.id);
    // The default: what a jam given nothing plays, from either.
    EXPECT_EQ(rt::knob_value(rt::JamSettings{}, k.id), rt::knob_default(k));
    EXPECT_EQ(from_command_line(k, rt::knob_default(k)), rt::knob_default(k));
    if (ranged(k)) {
      for (const double v : {k.lo, k.hi}) {
        EXPECT_EQ(from_command_line(k, rt::knob_number(k, v)), rt::knob_number(k, v));
        EXPECT_EQ(from_preset(k, preset_number(k, v)), rt::knob_number(k, v));
      }
      const auto [below, above] = beyond(k);
      for (const double v : {below, above}) {
        EXPECT_EQ(from_command_line(k, rt::knob_number(k, v)), std::nullopt) << v;
        EXPECT_EQ(from_preset(k, preset_number(k, v)), std::nullopt) << v;
      }
    } else if (!k.choices.empty()) {
      for (const std::string& c : k.choices) {
        EXPECT_EQ(from_command_line(k, c), c);
        EXPECT_EQ(from_preset(k, c), c);
      }
      EXPECT_EQ(from_command_line(k, "no-such-choice"), std::nullopt);
      EXPECT_EQ(from_preset(k, "no-such-choice"), std::nullopt);
    }
  }
}

#ifdef MUSIC_LSTM_HAVE_UI
TEST(KnobViews, ThePanelsWidgetsHaveEachKnobsLabelRangeAndChoices) {
  for (const KnobSpec& k : rt::knob_table()) {
    if (k.group == rt::KnobGroup::kNone) continue;  // the seed: the command line's alone
    SCOPED_TRACE(k.id);
    const ui::KnobWidget w = ui::knob_widget(k);
    EXPECT_FALSE(k.label.empty());
    if (ranged(k)) {
      EXPECT_EQ(w.lo, k.lo);
      EXPECT_EQ(w.hi, k.hi);
    } else if (k.kind == KnobKind::kChoice) {
      EXPECT_EQ(w.items.size(), k.choices.size());
    }
  }
}
#endif

#ifdef MUSIC_LSTM_HAVE_CLAP_HEADERS
// The plugin's parameters, as a CLAP host reads them.
struct HostView {
  std::string name;
  double lo = 0, hi = 0, default_value = 0;
  bool stepped = false;
};

std::map<std::string, HostView> plugin_parameters(const std::string& path) {
  std::map<std::string, HostView> views;
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    ADD_FAILURE() << "cannot load " << path << ": " << dlerror();
    return views;
  }
  const auto* entry = static_cast<const clap_plugin_entry_t*>(dlsym(lib, "clap_entry"));
  EXPECT_TRUE(entry && entry->init(path.c_str()));
  const auto* factory =
      static_cast<const clap_plugin_factory_t*>(entry->get_factory(CLAP_PLUGIN_FACTORY_ID));
  const clap_plugin_descriptor_t* desc = factory->get_plugin_descriptor(factory, 0);
  const clap_host_t host{CLAP_VERSION,
                         nullptr,
                         "music-lstm knob test",
                         "music-lstm",
                         "",
                         "0.1",
                         [](const clap_host_t*, const char*) -> const void* { return nullptr; },
                         [](const clap_host_t*) {},
                         [](const clap_host_t*) {},
                         [](const clap_host_t*) {}};
  const clap_plugin_t* plugin = factory->create_plugin(factory, &host, desc->id);
  EXPECT_TRUE(plugin && plugin->init(plugin));
  const auto* params =
      static_cast<const clap_plugin_params_t*>(plugin->get_extension(plugin, CLAP_EXT_PARAMS));
  for (uint32_t i = 0; params && i < params->count(plugin); ++i) {
    clap_param_info_t info;
    if (!params->get_info(plugin, i, &info)) continue;
    views[info.name] = {info.name, info.min_value, info.max_value, info.default_value,
                        (info.flags & CLAP_PARAM_IS_STEPPED) != 0};
  }
  plugin->destroy(plugin);
  entry->deinit();
  dlclose(lib);
  return views;
}

TEST(KnobViews, APluginHostSeesEachKnobWithItsNameRangeAndDefault) {
  const char* path = std::getenv("MUSIC_LSTM_TEST_CLAP");
  if (!path || !std::filesystem::exists(path)) {
    GTEST_SKIP() << "no plugin built (dpf-source missing): the host's view is not checked";
  }
  const std::map<std::string, HostView> seen = plugin_parameters(path);
  int knobs = 0;
  for (const KnobSpec& k : rt::knob_table()) {
    if (k.kind == KnobKind::kSeed) continue;  // no range: not a host's parameter
    SCOPED_TRACE(k.id);
    if (!k.host_parameter) {  // the standalone's alone (Link): the host has none of that name
      EXPECT_EQ(seen.count(k.label), 0u);
      continue;
    }
    ++knobs;
    const auto it = seen.find(k.label);
    ASSERT_NE(it, seen.end()) << "no parameter named '" << k.label << "'";
    const HostView& p = it->second;
    const std::string def = rt::knob_default(k);
    // DPF keeps a parameter's range as floats.
    auto near = [](double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, b); };
    if (ranged(k)) {
      EXPECT_TRUE(near(p.lo, k.lo)) << p.lo;
      EXPECT_TRUE(near(p.hi, k.hi)) << p.hi;
      EXPECT_TRUE(near(p.default_value, std::stod(def))) << p.default_value << " against " << def;
      EXPECT_EQ(p.stepped, k.kind == KnobKind::kWhole);
    } else {
      // A choice (on/off too): its index.
      EXPECT_EQ(p.lo, 0.0);
      EXPECT_EQ(p.hi, static_cast<double>(k.choices.size()) - 1);
      const auto d = std::find(k.choices.begin(), k.choices.end(), def);
      ASSERT_NE(d, k.choices.end()) << def;
      EXPECT_EQ(p.default_value, static_cast<double>(d - k.choices.begin()));
      EXPECT_TRUE(p.stepped);
    }
  }
  // The knobs and four of the plugin's own: the answer channel, model loaded, tempo and key heard.
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(knobs) + 4);
}
#endif

}  // namespace
}  // namespace mlstm::app
