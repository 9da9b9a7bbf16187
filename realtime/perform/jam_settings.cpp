#include "perform/jam_settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "perform/knob_table.hpp"

namespace mlstm::rt {
namespace {

std::optional<int> parse_control_number(const std::string& text) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

const char* jam_mode_name(JamMode mode) {
  switch (mode) {
    case JamMode::kCallAndResponse:
      return "call-and-response";
    case JamMode::kContinuous:
      return "continuous";
    case JamMode::kListenOnly:
      return "listen";
  }
  return "call-and-response";
}

std::optional<JamMode> parse_jam_mode(const std::string& name) {
  if (name == "call-and-response") return JamMode::kCallAndResponse;
  if (name == "continuous") return JamMode::kContinuous;
  if (name == "listen" || name == "listen-only") return JamMode::kListenOnly;
  return std::nullopt;
}

const char* yield_mode_name(YieldMode mode) {
  return mode == YieldMode::kFade ? "fade" : "stop";
}

std::optional<YieldMode> parse_yield_mode(const std::string& name) {
  if (name == "stop") return YieldMode::kStop;
  if (name == "fade") return YieldMode::kFade;
  return std::nullopt;
}

const std::vector<std::string>& knob_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const KnobSpec& k : knob_table()) v.push_back(k.id);
    return v;
  }();
  return names;
}

std::string set_knob(JamSettings& settings, const std::string& name, const std::string& value) {
  const KnobSpec* k = find_knob(name);
  if (k == nullptr) {
    std::string known;
    for (const auto& n : knob_names()) known += (known.empty() ? "" : ", ") + n;
    return "unknown setting '" + name + "' (the settings are: " + known + ")";
  }
  JamSettings changed = settings;
  if (std::string error = k->set(changed, value); !error.empty()) {
    return name + " '" + value + "': " + error;
  }
  settings = changed;
  return {};
}

std::string set_knob_from_controller(JamSettings& settings, const std::string& name, int value) {
  const KnobSpec* k = find_knob(name);
  if (k == nullptr) return "unknown setting '" + name + "'";
  if (!controller_can_set(name)) return name + " cannot follow a controller";
  value = std::clamp(value, 0, 127);
  if (!k->choices.empty()) {
    const auto n = k->choices.size();
    return set_knob(settings, name,
                    k->choices[std::min(n - 1, static_cast<std::size_t>(value) * n / 128)]);
  }
  const double v = knob_from_controller(*k, value);
  return set_knob(
      settings, name,
      k->kind == KnobKind::kWhole ? std::to_string(std::llround(v)) : knob_number(*k, v));
}

std::string control_name(const ControllerBinding& b) {
  return (b.key ? "key " : "") + std::to_string(b.controller);
}

bool parse_control_name(const std::string& text, ControllerBinding& b) {
  std::string number = text;
  bool key = false;
  if (text.rfind("key", 0) == 0) {
    key = true;
    number = text.substr(3);
    if (!number.empty() && (number.front() == ' ' || number.front() == ':')) number.erase(0, 1);
  }
  const auto value = parse_control_number(number);
  if (!value || *value < 0 || *value > 127) return false;
  b.controller = *value;
  b.key = key;
  return true;
}

void add_binding(std::vector<ControllerBinding>& bindings, const ControllerBinding& b) {
  std::erase_if(bindings, [&](const ControllerBinding& x) {
    return (x.controller == b.controller && x.key == b.key) || x.target == b.target;
  });
  bindings.push_back(b);
  std::sort(bindings.begin(), bindings.end(), [](const auto& x, const auto& y) {
    return std::pair{x.key, x.controller} < std::pair{y.key, y.controller};
  });
}

bool key_is_bound(const std::vector<ControllerBinding>& bindings, int key) {
  return std::any_of(bindings.begin(), bindings.end(),
                     [&](const ControllerBinding& b) { return b.key && b.controller == key; });
}

const std::vector<std::string>& controller_actions() {
  static const std::vector<std::string> actions = {"answer-now", "stop-answer", "next-mode"};
  return actions;
}

std::string binding_target_error(const std::string& target) {
  if (std::find(controller_actions().begin(), controller_actions().end(), target) !=
          controller_actions().end() ||
      controller_can_set(target)) {
    return {};
  }
  std::string known;
  for (const auto& n : knob_names()) {
    if (controller_can_set(n)) known += (known.empty() ? "" : ", ") + n;
  }
  for (const auto& a : controller_actions()) known += ", " + a;
  return "a controller cannot control '" + target + "' (it can: " + known + ")";
}

bool controller_can_set(const std::string& name) {
  const KnobSpec* k = find_knob(name);
  return k != nullptr && k->learnable && (!k->choices.empty() || k->hi > k->lo);
}

std::string knob_value(const JamSettings& settings, const std::string& name) {
  const KnobSpec* k = find_knob(name);
  return k == nullptr ? std::string() : k->get(settings);
}

JamSettings JamKnobs::load() const {
  const std::lock_guard lock(mutex_);
  return settings_;
}

void JamKnobs::store(const JamSettings& s) {
  const std::lock_guard lock(mutex_);
  settings_ = s;
  ++version_;
}

std::uint64_t JamKnobs::version() const {
  const std::lock_guard lock(mutex_);
  return version_;
}

std::string JamKnobs::set(const std::string& name, const std::string& value) {
  return update([&](JamSettings& s) { return set_knob(s, name, value); });
}

}  // namespace mlstm::rt
