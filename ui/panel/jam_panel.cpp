#include "panel/jam_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "panel/knob_widgets.hpp"
#include "panel/piano_roll.hpp"
#include "perform/jam_preset.hpp"

namespace mlstm::ui {
namespace {

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const ImVec4 kErrorColour(1.0f, 0.45f, 0.4f, 1.0f);

void draw_status(const StatusLine& line) {
  if (line.text.empty()) return;
  if (line.error) {
    ImGui::PushStyleColor(ImGuiCol_Text, kErrorColour);
    ImGui::TextWrapped("%s", line.text.c_str());
    ImGui::PopStyleColor();
    return;
  }
  const bool clipped = ImGui::CalcTextSize(line.text.c_str()).x > ImGui::GetContentRegionAvail().x;
  ImGui::TextUnformatted(line.text.c_str());
  if (clipped && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", line.text.c_str());
}

// The width a field may take so that a button labelled `label` fits after it on the line.
float width_beside_button(const char* label) {
  const ImGuiStyle& style = ImGui::GetStyle();
  return ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(label).x -
         2 * style.FramePadding.x - style.ItemSpacing.x;
}

}  // namespace

JamPanel::JamPanel(PanelContext context) : c_(std::move(context)) {}

void JamPanel::note(int pitch, bool on) {
  if (pitch < 0 || pitch > 127 || sounding_[static_cast<std::size_t>(pitch)] == on) return;
  sounding_[static_cast<std::size_t>(pitch)] = on;
  const std::uint8_t bytes[3] = {static_cast<std::uint8_t>(on ? 0x90 : 0x80),
                                 static_cast<std::uint8_t>(pitch),
                                 static_cast<std::uint8_t>(on ? 96 : 0)};
  c_.keyboard.on_message(bytes, 3, steady_now_ns());
}

void JamPanel::key(char key, bool down) {
  if (ImGui::GetIO().WantTextInput) return;
  if (down && computer_.shift(key)) {
    // Notes of the old octave end now: their keys would otherwise release other pitches.
    for (int p = 0; p < 128; ++p) {
      if (p != mouse_note_) note(p, false);
    }
    return;
  }
  if (const auto pitch = computer_.pitch(key)) note(*pitch, down);
}

void JamPanel::draw() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("music-lstm", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  const rt::PerformerView view = c_.performer.view();
  ImGui::TextUnformatted(c_.describe ? c_.describe().c_str() : c_.status.c_str());

  ImGui::BeginChild("controls", ImVec2(330, -150), true);
  // Every widget leaves room for the longest label beside it, so that no label is cut off.
  ImGui::PushItemWidth(
      -(ImGui::CalcTextSize("when played over").x + ImGui::GetStyle().ItemInnerSpacing.x));
  draw_controls();
  ImGui::Separator();
  draw_voices();
  ImGui::Separator();
  draw_presets();
  ImGui::Separator();
  draw_recording_and_model();
  ImGui::Separator();
  draw_devices();
  ImGui::PopItemWidth();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("roll", ImVec2(0, -150), true);
  ImGui::Text("the model is %s; %s", view.state,
              view.key ? ("you play in " + view.key->name()).c_str() : "no key heard yet");
  ImGui::SameLine();
  draw_metronome(view);
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0.31f, 0.67f, 1.0f, 1.0f), "  you");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(1.0f, 0.59f, 0.24f, 1.0f), "  the model (lighter: coming)");
  draw_piano_roll(view, c_.engine.sample_rate(), ImGui::GetContentRegionAvail().y - 70);
  draw_meters(view);
  ImGui::EndChild();
  draw_on_screen_keyboard();
  ImGui::End();
}

void JamPanel::draw_controls() {
  const rt::JamSettings s = c_.knobs.load();
  draw_knob_group(rt::KnobGroup::kAnswer, s, c_.knobs);
  // On the speculate line (the main column's last knob): the column has no row to spare (the
  // device combos end it). The timing and playability knobs, and those of time and key, open in
  // one popup from here.
  ImGui::SameLine();
  if (ImGui::Button("more...")) ImGui::OpenPopup("more");
  if (ImGui::BeginPopup("more")) {
    draw_knob_group(rt::KnobGroup::kTiming, s, c_.knobs);
    ImGui::Separator();
    ImGui::TextDisabled("the player's material");
    draw_knob_group(rt::KnobGroup::kMaterial, s, c_.knobs);
    ImGui::Separator();
    ImGui::TextDisabled("time and key");
    draw_knob_group(rt::KnobGroup::kTime, s, c_.knobs);
    ImGui::Separator();
    ImGui::TextDisabled("MIDI learn: a controller, pedal or key for a setting or an action");
    draw_midi_learn(s);
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("panic")) {
    c_.engine.control_input().try_push({rt::kFrameNow, rt::EventKind::kPanic});
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("all notes off");
}

void JamPanel::draw_metronome(const rt::PerformerView& view) {
  // A light that flashes on each beat of the player's tempo, brighter on the bar line.
  const float size = ImGui::GetTextLineHeight();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImU32 colour = IM_COL32(60, 60, 70, 255);
  if (view.beat && view.beat->period > 0 && view.now >= 0) {
    const rt::PlayerBeat& b = *view.beat;
    const double beats = (static_cast<double>(view.now) - b.anchor()) / b.period;
    const double into = (beats - std::floor(beats)) * b.period / c_.engine.sample_rate();
    const long index = static_cast<long>(std::floor(beats));
    const int per_bar = std::max(1, view.beats_per_bar);
    const bool bar = b.bar >= 0 && ((index % per_bar) + per_bar) % per_bar == 0;
    if (into < 0.1) colour = bar ? IM_COL32(255, 220, 90, 255) : IM_COL32(120, 200, 120, 255);
  }
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + size * 0.5f, at.y + size * 0.5f),
                                              size * 0.4f, colour);
  ImGui::Dummy(ImVec2(size, size));
  ImGui::SameLine();
  if (view.beat) {
    // Whose beat it is: a DAW's clock, the metronome, or the one heard in the playing.
    const bool heard = std::string_view(view.beat->source) == "playing";
    ImGui::Text("%.0f bpm%s%s", view.beat->bpm, heard ? "" : " (",
                heard ? "" : (std::string(view.beat->source) + ")").c_str());
  } else {
    ImGui::TextUnformatted("no beat heard yet");
  }
  // The Link session's peers on the same line, so that nothing below moves.
  if (const std::string link = c_.link_status ? c_.link_status() : std::string(); !link.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::TextUnformatted(link.c_str());
  }
}

void JamPanel::draw_midi_learn(const rt::JamSettings& s) {
  static const std::vector<std::string> targets = [] {
    std::vector<std::string> v;
    for (const rt::KnobSpec& k : rt::knob_table()) {
      if (rt::controller_can_set(k.id)) v.push_back(k.id);
    }
    for (const std::string& action : rt::controller_actions()) v.push_back(action);
    return v;
  }();
  learn_choice_ = std::clamp(learn_choice_, 0, static_cast<int>(targets.size()) - 1);
  const std::string& chosen = targets[static_cast<std::size_t>(learn_choice_)];
  if (ImGui::BeginCombo("##learn", chosen.c_str())) {
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (ImGui::Selectable(targets[i].c_str(), static_cast<int>(i) == learn_choice_)) {
        learn_choice_ = static_cast<int>(i);
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  const std::string learning = c_.performer.learning();
  if (learning.empty()) {
    if (ImGui::Button("learn")) c_.performer.learn(chosen);
  } else {
    ImGui::Text("move a controller or press a key for %s", learning.c_str());
  }
  for (std::size_t i = 0; i < s.bindings.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    ImGui::Text("%s%s: %s", s.bindings[i].key ? "" : "controller ",
                rt::control_name(s.bindings[i]).c_str(), s.bindings[i].target.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("forget")) {
      const rt::ControllerBinding gone = s.bindings[i];
      c_.knobs.update([&](rt::JamSettings& now) {
        std::erase(now.bindings, gone);
        return std::string();
      });
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
}

void JamPanel::draw_recording_and_model() {
  ImGui::SetNextItemWidth(width_beside_button("load model"));
  ImGui::InputTextWithHint("##model", "another model.ckpt", model_file_.data(), model_file_.size());
  ImGui::SameLine();
  if (ImGui::Button("load model") && model_file_[0] != '\0') c_.load_model(model_file_.data());
  draw_status(c_.model_status());
  const std::string recording = c_.recording();
  // The field keeps its width when the button becomes "stop recording".
  ImGui::SetNextItemWidth(width_beside_button("stop recording"));
  ImGui::InputTextWithHint("##record", "jam.mid", record_file_.data(), record_file_.size());
  ImGui::SameLine();
  if (recording.empty()) {
    if (ImGui::Button("record")) {
      const std::string error =
          c_.start_recording(record_file_[0] ? record_file_.data() : "jam.mid");
      record_message_ = {error, !error.empty()};
    }
  } else if (ImGui::Button("stop recording")) {
    const std::string error = c_.stop_recording();
    record_message_ = error.empty() ? StatusLine{"saved " + recording} : StatusLine{error, true};
  }
  draw_status(!recording.empty()              ? StatusLine{"recording into " + recording}
              : !record_message_.text.empty() ? record_message_
                                              : StatusLine{"not recording"});
}

void JamPanel::draw_devices() {
  if (c_.midi_ports && ImGui::BeginCombo("MIDI in", "switch the input...")) {
    if (ImGui::IsWindowAppearing()) ports_ = c_.midi_ports();
    if (ImGui::Selectable("virtual port music-lstm:in")) {
      device_message_ = c_.switch_midi_input("");
    }
    for (const std::string& port : ports_) {
      if (ImGui::Selectable(port.c_str())) device_message_ = c_.switch_midi_input(port);
    }
    ImGui::EndCombo();
  }
  if (c_.switch_audio_device && ImGui::BeginCombo("audio", "switch the device...")) {
    if (ImGui::IsWindowAppearing() && c_.audio_devices) audio_devices_ = c_.audio_devices();
    for (const std::string& device : audio_devices_) {
      if (ImGui::Selectable(device.c_str())) device_message_ = c_.switch_audio_device(device);
    }
    ImGui::EndCombo();
  }
  draw_status({device_message_, true});  // the switches say only what went wrong
}

void JamPanel::draw_voices() {
  draw_knob_group(rt::KnobGroup::kVoice, c_.knobs.load(), c_.knobs);
  if (ImGui::SliderInt("model volume", &c_.model.volume, 0, 127)) {
    c_.performer.set_model_volume(c_.model.volume);
    c_.engine.control_input().try_push(
        rt::control(rt::kFrameNow, rt::Voice::kModel, c_.model.channel, 7, c_.model.volume));
  }
  if (ImGui::SliderInt("your program", &c_.player.program, 0, 127)) {
    c_.engine.control_input().try_push(
        rt::program(rt::Voice::kPlayer, c_.player.channel, c_.player.program));
  }
  if (ImGui::SliderInt("your volume", &c_.player.volume, 0, 127)) {
    c_.engine.control_input().try_push(
        rt::control(rt::kFrameNow, rt::Voice::kPlayer, c_.player.channel, 7, c_.player.volume));
  }
}

void JamPanel::draw_presets() {
  if (ImGui::BeginCombo("preset", "load a preset...")) {
    // Listed afresh each time the list opens: a preset saved meanwhile shows up.
    presets_.clear();
    for (const auto& dir : c_.preset_dirs) {
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".json") presets_.push_back(entry.path());
      }
    }
    std::sort(presets_.begin(), presets_.end(),
              [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
    for (const auto& path : presets_) {
      if (ImGui::Selectable(path.stem().c_str())) {
        try {
          const nlohmann::json preset = rt::read_preset(path);
          c_.knobs.update([&](rt::JamSettings& now) {
            rt::apply_preset(preset, path.string(), now);
            return std::string();
          });
          preset_message_ = "loaded " + path.stem().string();
        } catch (const rt::PresetError& e) {
          preset_message_ = e.what();
        }
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SetNextItemWidth(width_beside_button("save preset"));
  ImGui::InputText("##name", preset_name_.data(), preset_name_.size());
  ImGui::SameLine();
  if (ImGui::Button("save preset") && preset_name_[0] != '\0') {
    const std::string name = preset_name_.data();
    if (name.find('/') != std::string::npos || name.front() == '.') {
      preset_message_ = "a preset name cannot hold '/' or start with '.'";
    } else {
      const auto file = c_.user_presets / (name + ".json");
      try {
        std::filesystem::create_directories(c_.user_presets);
        rt::save_preset(file, name, c_.knobs.load());
        preset_message_ = "saved " + file.string();
      } catch (const std::exception& e) {
        preset_message_ = std::string("cannot save: ") + e.what();
      }
    }
  }
  if (!preset_message_.empty()) ImGui::TextWrapped("%s", preset_message_.c_str());
}

void JamPanel::draw_meters(const rt::PerformerView& view) {
  const rt::SessionReport r = c_.report();
  double last = 0, worst = 0;
  int ready = 0;
  for (const rt::AnswerSummary& a : view.answers) {
    last = a.inference_ms;
    worst = std::max(worst, a.inference_ms);
    ready += a.ready_in_time ? 1 : 0;
  }
  ImGui::Text(
      "inference: last %.0f ms, worst %.0f ms of the last %zu; ready at the phrase end: "
      "%d of %zu",
      last, worst, view.answers.size(), ready, view.answers.size());
  ImGui::Text("audio callback: mean %.3f ms, p99 %.0f%% of the %.2f ms period, max %.3f ms",
              r.callback_mean_ms, r.callback_p99_share * 100, r.period_ms, r.callback_max_ms);
  ImGui::Text("xruns %llu (ours %llu), late events %llu, dropped %llu, answers late %llu",
              static_cast<unsigned long long>(r.xruns), static_cast<unsigned long long>(r.overruns),
              static_cast<unsigned long long>(r.late_events),
              static_cast<unsigned long long>(r.input_dropped + r.engine_dropped),
              static_cast<unsigned long long>(c_.performer.counters().late.load()));
}

void JamPanel::draw_on_screen_keyboard() {
  // Two octaves from the computer keyboard's C: white keys, black keys drawn over them.
  const int first = 12 * (computer_.octave() + 1);
  const float height = 120,
              white_w = std::max(18.0f, (ImGui::GetContentRegionAvail().x - 260.0f) / 15.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  static constexpr int kWhite[] = {0, 2, 4, 5, 7, 9, 11};
  static constexpr int kBlack[] = {1, 3, -1, 6, 8, 10, -1};
  ImGui::InvisibleButton("keyboard", ImVec2(white_w * 15, height));
  const bool held = ImGui::IsItemActive();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int under = -1;
  for (int i = 0; i < 15; ++i) {
    const int pitch = first + 12 * (i / 7) + kWhite[i % 7];
    const ImVec2 a(origin.x + i * white_w, origin.y), b(a.x + white_w - 2, origin.y + height);
    if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) under = pitch;
    const bool on = pitch <= 127 && sounding_[static_cast<std::size_t>(pitch)];
    draw->AddRectFilled(a, b, on ? IM_COL32(80, 170, 255, 255) : IM_COL32(235, 235, 235, 255));
  }
  for (int i = 0; i < 14; ++i) {
    if (kBlack[i % 7] < 0) continue;
    const int pitch = first + 12 * (i / 7) + kBlack[i % 7];
    const ImVec2 a(origin.x + (i + 0.65f) * white_w, origin.y),
        b(a.x + white_w * 0.7f, a.y + height * 0.6f);
    if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) under = pitch;
    const bool on = pitch <= 127 && sounding_[static_cast<std::size_t>(pitch)];
    draw->AddRectFilled(a, b, on ? IM_COL32(80, 170, 255, 255) : IM_COL32(20, 20, 20, 255));
  }
  const int wanted = held ? under : -1;
  if (wanted != mouse_note_) {
    if (mouse_note_ >= 0) note(mouse_note_, false);
    if (wanted >= 0) note(wanted, true);
    mouse_note_ = wanted;
  }
  ImGui::SameLine();
  ImGui::Text("computer keyboard: Z-M and Q-U rows\noctave %d ([ and ] shift)", computer_.octave());
}

}  // namespace mlstm::ui
