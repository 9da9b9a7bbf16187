#include "perform/jam_settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>

#include "decode/figure_recall.hpp"
#include "decode/register_keep.hpp"

namespace mlstm::rt {
namespace {

template <typename T>
std::optional<T> parse_number(const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) return std::nullopt;
  }
  return value;
}

std::string format_double(double v) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return ec == std::errc() ? std::string(buffer, ptr) : std::to_string(v);
}

// One knob: how to read it from text into the settings, and how to show it; and what a MIDI
// controller's 0..127 means for it: a number from `lo` to `hi`, or one of `choices`.
struct Knob {
  std::function<std::string(JamSettings&, const std::string&)> set;
  std::function<std::string(const JamSettings&)> get;
  std::vector<std::string> choices = {};
  double lo = 0, hi = 0;  // lo == hi: numbers are not for a controller (choices, or neither)
  bool whole = false;     // whole numbers
};

// A numeric field of the settings, by an accessor (the fields live in JamSettings and in its
// SearchSettings).
template <typename T>
using Field = T& (*)(JamSettings&);

Knob int_knob(Field<int> field, int lo, int hi) {
  return {[=](JamSettings& s, const std::string& text) -> std::string {
            const auto v = parse_number<int>(text);
            if (!v || *v < lo || *v > hi) {
              return "must be a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi);
            }
            field(s) = *v;
            return {};
          },
          [=](const JamSettings& s) {
            JamSettings copy = s;
            return std::to_string(field(copy));
          },
          {},
          static_cast<double>(lo),
          static_cast<double>(hi),
          true};
}

Knob double_knob(Field<double> field, double lo, double hi) {
  return {[=](JamSettings& s, const std::string& text) -> std::string {
            const auto v = parse_number<double>(text);
            if (!v || *v < lo || *v > hi) {
              return "must be a number from " + format_double(lo) + " to " + format_double(hi);
            }
            field(s) = *v;
            return {};
          },
          [=](const JamSettings& s) {
            JamSettings copy = s;
            return format_double(field(copy));
          },
          {},
          lo,
          hi};
}

Knob on_off_knob(Field<bool> field) {
  return {[=](JamSettings& s, const std::string& t) -> std::string {
            if (t == "on" || t == "true" || t == "1") {
              field(s) = true;
            } else if (t == "off" || t == "false" || t == "0") {
              field(s) = false;
            } else {
              return "must be on or off";
            }
            return {};
          },
          [=](const JamSettings& s) {
            JamSettings copy = s;
            return std::string(field(copy) ? "on" : "off");
          },
          {"off", "on"}};
}

const std::map<std::string, Knob>& knobs() {
  static const std::map<std::string, Knob> table = {
      {"mode",
       {[](JamSettings& s, const std::string& t) -> std::string {
          const auto m = parse_jam_mode(t);
          if (!m) return "must be call-and-response, continuous or listen";
          s.mode = *m;
          return {};
        },
        [](const JamSettings& s) { return std::string(jam_mode_name(s.mode)); },
        {"call-and-response", "continuous", "listen"}}},
      {"sampling",
       {[](JamSettings& s, const std::string& t) -> std::string {
          const auto m = parse_sampling(t);
          if (!m) return "must be beam, greedy, stochastic-beam or sample";
          s.search.sampling = *m;
          if (t == "greedy") s.search.width = 1;
          return {};
        },
        [](const JamSettings& s) { return std::string(sampling_name(s.search.sampling)); },
        {"beam", "stochastic-beam", "sample"}}},
      {"width", int_knob([](JamSettings& s) -> int& { return s.search.width; }, 1, 32)},
      {"temperature",
       double_knob([](JamSettings& s) -> double& { return s.search.temperature; }, 0.1, 2.0)},
      {"repetition",
       double_knob([](JamSettings& s) -> double& { return s.search.repetition_penalty; }, 0.0,
                   3.0)},
      {"timing",
       {[](JamSettings& s, const std::string& t) -> std::string {
          if (t != "search" && t != "sample") return "must be search or sample";
          s.search.sample_timing = t == "sample";
          return {};
        },
        [](const JamSettings& s) {
          return std::string(s.search.sample_timing ? "sample" : "search");
        },
        {"search", "sample"}}},
      {"timing-temperature",
       double_knob([](JamSettings& s) -> double& { return s.search.timing_temperature; }, 0.05,
                   4.0)},
      {"cluster", int_knob([](JamSettings& s) -> int& { return s.search.max_cluster; }, 1,
                           kMaxPlayableCluster)},
      {"pace", double_knob([](JamSettings& s) -> double& { return s.search.max_pace; },
                           kMinPaceLimit, kMaxPaceLimit)},
      {"pace-ratio", double_knob([](JamSettings& s) -> double& { return s.search.pace_ratio; }, 0.0,
                                 kMaxPaceRatio)},
      {"recall",
       double_knob([](JamSettings& s) -> double& { return s.search.recall; }, 0.0, kMaxRecall)},
      {"register-keep",
       double_knob([](JamSettings& s) -> double& { return s.search.register_keep; }, 0.0,
                   kMaxRegisterKeep)},
      {"scale",
       {[](JamSettings& s, const std::string& t) -> std::string {
          if (t == "off") {
            s.scale_lock = ScaleLock::kOff;
          } else if (t == "key") {
            s.scale_lock = ScaleLock::kKey;
          } else if (const auto scale = music::parse_scale(t)) {
            s.scale_lock = ScaleLock::kScale;
            s.scale = *scale;
          } else {
            return "must be off, key (the key the jam hears you in) or a scale such as 'D "
                   "minor' (the kinds: " +
                   music::scale_kind_names() + ")";
          }
          return {};
        },
        [](const JamSettings& s) {
          switch (s.scale_lock) {
            case ScaleLock::kOff:
              return std::string("off");
            case ScaleLock::kKey:
              return std::string("key");
            case ScaleLock::kScale:
              return s.scale.name();
          }
          return std::string("off");
        },
        {"off", "key"}}},
      {"entry",
       {[](JamSettings& s, const std::string& t) -> std::string {
          if (t == "free") {
            s.entry = Entry::kFree;
          } else if (t == "beat") {
            s.entry = Entry::kBeat;
          } else if (t == "bar") {
            s.entry = Entry::kBar;
          } else {
            return "must be free, beat or bar";
          }
          return {};
        },
        [](const JamSettings& s) {
          return std::string(s.entry == Entry::kBeat  ? "beat"
                             : s.entry == Entry::kBar ? "bar"
                                                      : "free");
        },
        {"free", "beat", "bar"}}},
      {"answer-tempo",
       {[](JamSettings& s, const std::string& t) -> std::string {
          if (t == "model") {
            s.answer_tempo = AnswerTempo::kModel;
          } else if (t == "player") {
            s.answer_tempo = AnswerTempo::kPlayer;
          } else {
            return "must be model or player";
          }
          return {};
        },
        [](const JamSettings& s) {
          return std::string(s.answer_tempo == AnswerTempo::kPlayer ? "player" : "model");
        },
        {"model", "player"}}},
      {"beats-per-bar", int_knob([](JamSettings& s) -> int& { return s.beats_per_bar; }, 1, 12)},
      {"metronome",
       {[](JamSettings& s, const std::string& t) -> std::string {
          if (t == "off") {
            s.metronome = Metronome::kOff;
          } else if (t == "click" || t == "on") {
            s.metronome = Metronome::kClick;
          } else if (t == "count-in") {
            s.metronome = Metronome::kCountIn;
          } else {
            return "must be off, click or count-in";
          }
          return {};
        },
        [](const JamSettings& s) {
          return std::string(s.metronome == Metronome::kClick     ? "click"
                             : s.metronome == Metronome::kCountIn ? "count-in"
                                                                  : "off");
        },
        {"off", "click", "count-in"}}},
      {"metronome-bpm",
       double_knob([](JamSettings& s) -> double& { return s.metronome_bpm; }, 30.0, 300.0)},
      {"click-volume", int_knob([](JamSettings& s) -> int& { return s.click_volume; }, 1, 127)},
      {"count-in", int_knob([](JamSettings& s) -> int& { return s.count_in_bars; }, 1, 8)},
      {"clock-out", on_off_knob([](JamSettings& s) -> bool& { return s.clock_out; })},
      {"clock-in", on_off_knob([](JamSettings& s) -> bool& { return s.clock_in; })},
      {"out-latency",
       double_knob([](JamSettings& s) -> double& { return s.out_latency_ms; }, 0.0, 500.0)},
      {"in-latency",
       double_knob([](JamSettings& s) -> double& { return s.in_latency_ms; }, 0.0, 500.0)},
      {"gap", double_knob([](JamSettings& s) -> double& { return s.gap_seconds; }, 0.05, 5.0)},
      {"length", int_knob([](JamSettings& s) -> int& { return s.search.length; }, 1, 500)},
      {"tempo",
       double_knob([](JamSettings& s) -> double& { return s.search.time_scale; }, 0.25, 4.0)},
      {"velocity",
       double_knob([](JamSettings& s) -> double& { return s.velocity_scale; }, 0.1, 2.0)},
      {"program", int_knob([](JamSettings& s) -> int& { return s.model_program; }, 0, 127)},
      {"yield",
       {[](JamSettings& s, const std::string& t) -> std::string {
          const auto m = parse_yield_mode(t);
          if (!m) return "must be stop or fade";
          s.yield = *m;
          return {};
        },
        [](const JamSettings& s) { return std::string(yield_mode_name(s.yield)); },
        {"stop", "fade"}}},
      {"fade", double_knob([](JamSettings& s) -> double& { return s.fade_seconds; }, 0.01, 5.0)},
      {"speculate", on_off_knob([](JamSettings& s) -> bool& { return s.speculate; })},
      {"seed",
       {[](JamSettings& s, const std::string& t) -> std::string {
          const auto v = parse_number<std::uint64_t>(t);
          if (!v) return "must be a whole number from 0";
          s.search.seed = *v;
          return {};
        },
        [](const JamSettings& s) { return std::to_string(s.search.seed); }}},
  };
  return table;
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
  static const std::vector<std::string> names = {"mode",
                                                 "width",
                                                 "temperature",
                                                 "repetition",
                                                 "sampling",
                                                 "timing",
                                                 "timing-temperature",
                                                 "cluster",
                                                 "pace",
                                                 "pace-ratio",
                                                 "recall",
                                                 "register-keep",
                                                 "scale",
                                                 "entry",
                                                 "answer-tempo",
                                                 "beats-per-bar",
                                                 "metronome",
                                                 "metronome-bpm",
                                                 "click-volume",
                                                 "count-in",
                                                 "clock-in",
                                                 "clock-out",
                                                 "out-latency",
                                                 "in-latency",
                                                 "gap",
                                                 "length",
                                                 "tempo",
                                                 "velocity",
                                                 "program",
                                                 "yield",
                                                 "fade",
                                                 "speculate",
                                                 "seed"};
  return names;
}

std::string set_knob(JamSettings& settings, const std::string& name, const std::string& value) {
  const auto it = knobs().find(name);
  if (it == knobs().end()) {
    std::string known;
    for (const auto& n : knob_names()) known += (known.empty() ? "" : ", ") + n;
    return "unknown setting '" + name + "' (the settings are: " + known + ")";
  }
  JamSettings changed = settings;
  if (std::string error = it->second.set(changed, value); !error.empty()) {
    return name + " '" + value + "': " + error;
  }
  settings = changed;
  return {};
}

std::string set_knob_from_controller(JamSettings& settings, const std::string& name, int value) {
  const auto it = knobs().find(name);
  if (it == knobs().end()) return "unknown setting '" + name + "'";
  const Knob& k = it->second;
  value = std::clamp(value, 0, 127);
  if (!k.choices.empty()) {
    const auto n = k.choices.size();
    return set_knob(settings, name,
                    k.choices[std::min(n - 1, static_cast<std::size_t>(value) * n / 128)]);
  }
  if (k.hi <= k.lo) return name + " cannot follow a controller";
  const double x = k.lo + (k.hi - k.lo) * value / 127.0;
  return set_knob(settings, name, k.whole ? std::to_string(std::lround(x)) : format_double(x));
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
  const auto value = parse_number<int>(number);
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
  const auto it = knobs().find(name);
  return it != knobs().end() && (!it->second.choices.empty() || it->second.hi > it->second.lo);
}

std::string knob_value(const JamSettings& settings, const std::string& name) {
  const auto it = knobs().find(name);
  return it == knobs().end() ? std::string() : it->second.get(settings);
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
  const std::lock_guard lock(mutex_);
  std::string error = set_knob(settings_, name, value);
  if (error.empty()) ++version_;
  return error;
}

}  // namespace mlstm::rt
