// The knob table (realtime/perform/knob_table.hpp) walked row by row: every knob takes its
// default, the ends of its range and each of its choices, refuses what lies beyond, reads back
// what it was set to, survives a preset's round trip, and a controller sweeps exactly its range.
// The search's knobs agree with decode/search_knobs.hpp, which check_search() enforces.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "core/host_parameters.hpp"
#include "decode/search_checks.hpp"
#include "decode/search_knobs.hpp"
#include "perform/jam_preset.hpp"
#include "perform/knob_table.hpp"

namespace mlstm::rt {
namespace {

// The values a knob must take: its default, the ends of its range, its choices.
std::vector<std::string> values_of(const KnobSpec& k) {
  std::vector<std::string> v = {knob_default(k)};
  if (k.kind == KnobKind::kWhole || k.kind == KnobKind::kNumber) {
    v.push_back(knob_number_text(k.lo));
    v.push_back(knob_number_text(k.hi));
  }
  for (const std::string& c : k.choices) v.push_back(c);
  if (k.kind == KnobKind::kScale) v.push_back("D minor");
  if (k.kind == KnobKind::kSeed) v.push_back("18446744073709551615");
  return v;
}

TEST(KnobTable, EveryKnobHasOneRowWithWordsForEveryone) {
  std::set<std::string> ids;
  for (const KnobSpec& k : knob_table()) {
    EXPECT_TRUE(ids.insert(k.id).second) << k.id << " twice";
    EXPECT_FALSE(k.help.empty()) << k.id;
    EXPECT_FALSE(k.label.empty()) << k.id;
    EXPECT_TRUE(k.set && k.get) << k.id;
    EXPECT_EQ(find_knob(k.id), &k);
    if (k.kind == KnobKind::kWhole || k.kind == KnobKind::kNumber) {
      EXPECT_LT(k.lo, k.hi) << k.id;
    }
    if (!k.choice_labels.empty()) {
      EXPECT_EQ(k.choice_labels.size(), k.choices.size() + (k.kind == KnobKind::kScale ? 1 : 0))
          << k.id;
    }
  }
  EXPECT_EQ(find_knob("no-such-knob"), nullptr);
  EXPECT_EQ(knob_names().size(), knob_table().size());
}

TEST(KnobTable, EachKnobTakesItsDefaultRangeAndChoicesAndReadsThemBack) {
  for (const KnobSpec& k : knob_table()) {
    for (const std::string& value : values_of(k)) {
      JamSettings s;
      EXPECT_EQ(set_knob(s, k.id, value), "") << k.id << " " << value;
      const std::string read = knob_value(s, k.id);
      if (k.kind == KnobKind::kWhole || k.kind == KnobKind::kNumber) {
        EXPECT_DOUBLE_EQ(std::stod(read), std::stod(value)) << k.id;
      } else {
        EXPECT_EQ(read, value) << k.id;
      }
    }
    EXPECT_EQ(knob_value(JamSettings{}, k.id), knob_default(k));
  }
}

TEST(KnobTable, EachKnobRefusesWhatLiesBeyondItsRangeInOneLine) {
  for (const KnobSpec& k : knob_table()) {
    std::vector<std::string> bad = {"", "nonsense"};
    if (k.kind == KnobKind::kWhole || k.kind == KnobKind::kNumber) {
      const double step = k.kind == KnobKind::kWhole ? 1.0 : 0.001;
      bad.push_back(knob_number_text(k.lo - step));
      bad.push_back(knob_number_text(k.hi + step));
    }
    if (k.kind == KnobKind::kWhole) bad.push_back(knob_number_text(k.lo + 0.5));
    for (const std::string& value : bad) {
      JamSettings s;
      const std::string error = set_knob(s, k.id, value);
      EXPECT_NE(error, "") << k.id << " took '" << value << "'";
      EXPECT_EQ(error.find('\n'), std::string::npos);
      EXPECT_EQ(s, JamSettings{}) << k.id << ": a refused value changed the settings";
    }
  }
}

TEST(KnobTable, HelpSaysTheRangeAndTheDefault) {
  for (const KnobSpec& k : knob_table()) {
    const std::string help = knob_help(k);
    EXPECT_NE(help.find(knob_range(k)), std::string::npos) << help;
    EXPECT_NE(help.find("default: " + knob_default(k)), std::string::npos) << help;
  }
  EXPECT_EQ(knob_range(*find_knob("width")), "1 to 32");
  EXPECT_EQ(knob_range(*find_knob("mode")), "call-and-response, continuous or listen");
  EXPECT_EQ(knob_range(*find_knob("gap")), "0.05 to 5 s");
}

TEST(KnobTable, ThePresetOfEveryValueReadsBackTheSame) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "knob-table-presets";
  std::filesystem::create_directories(dir);
  for (const KnobSpec& k : knob_table()) {
    for (const std::string& value : values_of(k)) {
      JamSettings s;
      ASSERT_EQ(set_knob(s, k.id, value), "");
      const auto file = dir / (k.id + ".json");
      save_preset(file, k.id, s);
      JamSettings loaded;
      load_preset(file, loaded);
      EXPECT_EQ(knob_value(loaded, k.id), knob_value(s, k.id)) << k.id << " " << value;
      EXPECT_EQ(loaded, s) << k.id << " " << value;
    }
  }
}

TEST(KnobTable, AControllerSweepsExactlyTheRange) {
  for (const KnobSpec& k : knob_table()) {
    if (!controller_can_set(k.id)) {
      EXPECT_TRUE(!k.learnable || k.kind == KnobKind::kSeed) << k.id;
      continue;
    }
    JamSettings s;
    ASSERT_EQ(set_knob_from_controller(s, k.id, 0), "") << k.id;
    const std::string bottom = knob_value(s, k.id);
    ASSERT_EQ(set_knob_from_controller(s, k.id, 127), "") << k.id;
    const std::string top = knob_value(s, k.id);
    if (k.choices.empty()) {
      EXPECT_DOUBLE_EQ(std::stod(bottom), k.lo) << k.id;
      EXPECT_DOUBLE_EQ(std::stod(top), k.hi) << k.id;
      // Monotone in between.
      double last = k.lo;
      for (int v = 0; v <= 127; ++v) {
        const double x = knob_from_controller(k, v);
        EXPECT_GE(x, last) << k.id << " at " << v;
        EXPECT_LE(x, k.hi) << k.id;
        last = x;
      }
    } else {
      EXPECT_EQ(bottom, k.choices.front()) << k.id;
      EXPECT_EQ(top, k.choices.back()) << k.id;
    }
  }
  EXPECT_FALSE(controller_can_set("seed"));
}

TEST(KnobTable, ALogarithmicKnobSpendsHalfTheControllerBelowTheRangesGeometricMiddle) {
  const KnobSpec& t = *find_knob("temperature");
  ASSERT_TRUE(t.log_scale);
  // 0.01 to 4: the middle of the controller near sqrt(0.01 * 4) = 0.2, not 2.
  EXPECT_NEAR(knob_from_controller(t, 64), 0.2, 0.01);
}

TEST(KnobTable, TheSearchsKnobsHaveTheSearchsRangesUnitsAndHelp) {
  int shared = 0;
  for (const SearchKnob& sk : search_knobs()) {
    const KnobSpec* k = find_knob(sk.id);
    if (k == nullptr) continue;  // compose's and eval's alone (top-k, top-p, ...)
    ++shared;
    EXPECT_EQ(k->lo, sk.lo) << sk.id;
    EXPECT_EQ(k->hi, sk.hi) << sk.id;
    EXPECT_EQ(k->kind == KnobKind::kWhole, sk.whole) << sk.id;
    EXPECT_EQ(k->unit, sk.unit) << sk.id;
    EXPECT_EQ(k->help, sk.help) << sk.id;
    EXPECT_EQ(knob_default(*k), knob_number_text(sk.get(JamSettings{}.search))) << sk.id;
  }
  EXPECT_GE(shared, 9);
}

TEST(KnobTable, TheSearchTakesEveryKnobsRangeAndRefusesBeyond) {
  ModelConfig m;
  m.context_notes = 4;
  for (const SearchKnob& k : search_knobs()) {
    for (const double v : {k.lo, k.hi}) {
      SearchSettings s = default_search_settings();
      k.set(s, v);
      EXPECT_NO_THROW(check_search(s, m, 4)) << k.id << " " << v;
    }
    for (const double v : {k.lo - 1, k.hi + 1}) {
      SearchSettings s = default_search_settings();
      k.set(s, v);
      try {
        check_search(s, m, 4);
        ADD_FAILURE() << k.id << " took " << v;
      } catch (const DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find(range_text(k)), std::string::npos) << e.what();
      }
    }
  }
}

// A host's parameters (the plugin's) are the table's knobs with their ranges and defaults, and a
// parameter's value reads back as the knob's.
TEST(KnobTable, AHostsParametersAreTheKnobsWithTheirRangesAndDefaults) {
  const std::vector<HostParameter>& parameters = host_parameters();
  // All but the seed and what only the standalone program has (Link).
  std::size_t hosted = 0;
  for (const KnobSpec& k : knob_table()) hosted += k.kind != KnobKind::kSeed && k.host_parameter;
  EXPECT_EQ(hosted, knob_table().size() - 2);
  ASSERT_EQ(parameters.size(), hosted);
  for (const HostParameter& p : parameters) {
    const KnobSpec& k = *p.knob;
    EXPECT_EQ(p.id, k.id);
    EXPECT_EQ(p.name, k.label);
    EXPECT_EQ(knob_text(p, p.default_value), knob_default(k)) << k.id;
    if (k.kind == KnobKind::kWhole || k.kind == KnobKind::kNumber) {
      EXPECT_EQ(p.lo, k.lo) << k.id;
      EXPECT_EQ(p.hi, k.hi) << k.id;
      EXPECT_EQ(p.integer, k.kind == KnobKind::kWhole) << k.id;
    } else if (k.kind == KnobKind::kOnOff) {
      EXPECT_TRUE(p.toggle) << k.id;
      EXPECT_EQ(p.hi, 1.0) << k.id;
    } else {
      EXPECT_EQ(p.choices.size(), k.choices.size()) << k.id;
      EXPECT_EQ(p.hi, static_cast<double>(k.choices.size()) - 1) << k.id;
    }
    for (const double v : {p.lo, p.hi, (p.lo + p.hi) / 2}) {
      JamSettings s;
      ASSERT_EQ(set_knob(s, k.id, knob_text(p, v)), "") << k.id << " " << v;
      EXPECT_EQ(knob_text(p, host_value(p, s)), knob_text(p, v)) << k.id;
    }
    // Beyond the range is kept to it; not a number is the default.
    JamSettings s;
    EXPECT_EQ(set_knob(s, k.id, knob_text(p, p.hi + 100)), "") << k.id;
    EXPECT_EQ(knob_text(p, std::nan("")), knob_text(p, p.default_value)) << k.id;
  }
}

}  // namespace
}  // namespace mlstm::rt
