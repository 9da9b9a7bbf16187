// The panel's widgets come from the knob table: every knob the panel shows has one widget whose
// range, precision and items are the table's, and every knob but those meant for the command
// line alone is on the panel.
#include <gtest/gtest.h>

#include <string>

#include "panel/knob_widgets.hpp"

namespace mlstm::ui {
namespace {

using Kind = KnobWidget::Kind;

TEST(KnobWidgets, EveryKnobOnThePanelHasTheTablesRangeAndItems) {
  int on_panel = 0;
  for (const rt::KnobSpec& k : rt::knob_table()) {
    if (k.group == rt::KnobGroup::kNone) {
      EXPECT_EQ(k.kind, rt::KnobKind::kSeed) << k.id << " is on no panel";
      continue;
    }
    ++on_panel;
    const KnobWidget w = knob_widget(k);
    switch (k.kind) {
      case rt::KnobKind::kWhole:
        EXPECT_EQ(w.kind, Kind::kSliderInt) << k.id;
        EXPECT_EQ(w.lo, k.lo) << k.id;
        EXPECT_EQ(w.hi, k.hi) << k.id;
        break;
      case rt::KnobKind::kNumber:
        EXPECT_EQ(w.kind, Kind::kSliderFloat) << k.id;
        EXPECT_EQ(w.lo, k.lo) << k.id;
        EXPECT_EQ(w.hi, k.hi) << k.id;
        EXPECT_EQ(w.format, "%." + std::to_string(k.decimals) + "f") << k.id;
        EXPECT_EQ(w.logarithmic, k.log_scale) << k.id;
        // The slider's ends are values its precision can show.
        EXPECT_EQ(std::stod(rt::knob_number(k, k.lo)), k.lo) << k.id;
        EXPECT_EQ(std::stod(rt::knob_number(k, k.hi)), k.hi) << k.id;
        break;
      case rt::KnobKind::kChoice:
        EXPECT_EQ(w.kind, Kind::kCombo) << k.id;
        EXPECT_EQ(w.items.size(), k.choices.size()) << k.id;
        break;
      case rt::KnobKind::kOnOff:
        EXPECT_EQ(w.kind, Kind::kCheckbox) << k.id;
        break;
      case rt::KnobKind::kScale:
        EXPECT_EQ(w.kind, Kind::kScale) << k.id;
        EXPECT_EQ(w.items.size(), k.choices.size() + 1) << k.id;  // and "a scale you set"
        break;
      case rt::KnobKind::kSeed:
        ADD_FAILURE() << k.id << ": the seed is for the command line";
        break;
    }
  }
  EXPECT_EQ(on_panel + 1, static_cast<int>(rt::knob_table().size()));
}

TEST(KnobWidgets, AKnobIsLeftOutOnlyWhereTheSettingsMakeItMoot) {
  rt::JamSettings s;
  EXPECT_TRUE(knob_is_moot(*rt::find_knob("metronome-bpm"), s));
  EXPECT_TRUE(knob_is_moot(*rt::find_knob("fade"), s));
  s.metronome = rt::Metronome::kClick;
  s.yield = rt::YieldMode::kFade;
  EXPECT_FALSE(knob_is_moot(*rt::find_knob("metronome-bpm"), s));
  EXPECT_TRUE(knob_is_moot(*rt::find_knob("count-in"), s));
  EXPECT_FALSE(knob_is_moot(*rt::find_knob("fade"), s));
  EXPECT_FALSE(knob_is_moot(*rt::find_knob("width"), s));
}

}  // namespace
}  // namespace mlstm::ui
