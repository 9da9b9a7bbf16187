#include "panel/knob_widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "music/scale.hpp"

namespace mlstm::ui {
namespace {

// The combo's current item: the index of the knob's value among its choices.
int choice_index(const rt::KnobSpec& k, const std::string& value) {
  const auto it = std::find(k.choices.begin(), k.choices.end(), value);
  return it == k.choices.end() ? 0 : static_cast<int>(it - k.choices.begin());
}

bool combo(const char* label, int& current, const std::vector<std::string>& items) {
  bool changed = false;
  if (ImGui::BeginCombo(label, items[static_cast<std::size_t>(current)].c_str())) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (ImGui::Selectable(items[i].c_str(), static_cast<int>(i) == current)) {
        current = static_cast<int>(i);
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

// The scale lock: any, the key heard or a scale set, and with a scale its tonic and kind.
void draw_scale(const rt::KnobSpec& k, const rt::JamSettings& shown, rt::JamKnobs& knobs) {
  const KnobWidget w = knob_widget(k);
  int lock = static_cast<int>(shown.scale_lock);  // off, key, scale: the labels' order
  if (combo(k.label.c_str(), lock, w.items)) {
    const auto chosen = static_cast<rt::ScaleLock>(lock);
    knobs.set(k.id, chosen == rt::ScaleLock::kScale ? shown.scale.name() : k.choices.at(lock));
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", k.help.c_str());
  if (shown.scale_lock != rt::ScaleLock::kScale) return;
  music::Scale scale = shown.scale;
  bool changed = false;
  if (ImGui::BeginCombo("tonic", music::pitch_class_name(scale.tonic))) {
    for (int pc = 0; pc < 12; ++pc) {
      if (ImGui::Selectable(music::pitch_class_name(pc), pc == scale.tonic)) {
        scale.tonic = pc;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  if (ImGui::BeginCombo("scale", music::scale_kind_name(scale.kind))) {
    for (const music::ScaleKind kind : music::all_scale_kinds()) {
      if (ImGui::Selectable(music::scale_kind_name(kind), kind == scale.kind)) {
        scale.kind = kind;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  if (changed) knobs.set(k.id, scale.name());
}

}  // namespace

KnobWidget knob_widget(const rt::KnobSpec& k) {
  KnobWidget w{};
  switch (k.kind) {
    case rt::KnobKind::kWhole:
    case rt::KnobKind::kSeed:  // never on the panel (KnobGroup::kNone)
      w.kind = KnobWidget::Kind::kSliderInt;
      break;
    case rt::KnobKind::kNumber:
      w.kind = KnobWidget::Kind::kSliderFloat;
      w.format = "%." + std::to_string(std::max(0, k.decimals)) + "f";
      w.logarithmic = k.log_scale;
      break;
    case rt::KnobKind::kChoice:
      w.kind = KnobWidget::Kind::kCombo;
      break;
    case rt::KnobKind::kOnOff:
      w.kind = KnobWidget::Kind::kCheckbox;
      break;
    case rt::KnobKind::kScale:
      w.kind = KnobWidget::Kind::kScale;
      break;
  }
  w.lo = k.lo;
  w.hi = k.hi;
  if (w.kind == KnobWidget::Kind::kCombo || w.kind == KnobWidget::Kind::kScale) {
    w.items = k.choices;
    if (w.kind == KnobWidget::Kind::kScale) w.items.push_back("a scale");
    if (!k.choice_labels.empty()) w.items = k.choice_labels;
  }
  return w;
}

bool knob_is_moot(const rt::KnobSpec& k, const rt::JamSettings& s) {
  if (k.id == "metronome-bpm" || k.id == "click-volume") return s.metronome == rt::Metronome::kOff;
  if (k.id == "count-in") return s.metronome != rt::Metronome::kCountIn;
  if (k.id == "fade") return s.yield != rt::YieldMode::kFade;
  return false;
}

void draw_knob(const rt::KnobSpec& k, const rt::JamSettings& shown, rt::JamKnobs& knobs) {
  const KnobWidget w = knob_widget(k);
  const std::string value = k.get(shown);
  const char* label = k.label.c_str();
  switch (w.kind) {
    case KnobWidget::Kind::kSliderInt: {
      int v = std::stoi(value);
      if (ImGui::SliderInt(label, &v, static_cast<int>(w.lo), static_cast<int>(w.hi))) {
        knobs.set(k.id,
                  std::to_string(std::clamp(v, static_cast<int>(w.lo), static_cast<int>(w.hi))));
      }
      break;
    }
    case KnobWidget::Kind::kSliderFloat: {
      float v = std::stof(value);
      if (ImGui::SliderFloat(
              label, &v, static_cast<float>(w.lo), static_cast<float>(w.hi), w.format.c_str(),
              w.logarithmic ? ImGuiSliderFlags_Logarithmic : ImGuiSliderFlags_None)) {
        // What the slider shows is what is set: rounded to the knob's places (its range's ends
        // are whole in them).
        knobs.set(k.id, rt::knob_number(k, std::clamp<double>(v, w.lo, w.hi)));
      }
      break;
    }
    case KnobWidget::Kind::kCombo: {
      int current = choice_index(k, value);
      if (combo(label, current, w.items)) knobs.set(k.id, k.choices.at(current));
      break;
    }
    case KnobWidget::Kind::kCheckbox: {
      bool on = value == "on";
      if (ImGui::Checkbox(label, &on)) knobs.set(k.id, on ? "on" : "off");
      break;
    }
    case KnobWidget::Kind::kScale:
      draw_scale(k, shown, knobs);
      return;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", rt::knob_help(k).c_str());
}

void draw_knob_group(rt::KnobGroup group, const rt::JamSettings& shown, rt::JamKnobs& knobs) {
  for (const rt::KnobSpec& k : rt::knob_table()) {
    if (k.group != group || knob_is_moot(k, shown)) continue;
    // The two clock checkboxes share a line: the popup must fit a 720-pixel window.
    if (k.id == "clock-out") ImGui::SameLine();
    draw_knob(k, shown, knobs);
  }
}

}  // namespace mlstm::ui
