#include "perform/jam_settings.hpp"

#include <charconv>
#include <cmath>
#include <functional>
#include <map>

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

// One knob: how to read it from text into the settings, and how to show it.
struct Knob {
  std::function<std::string(JamSettings&, const std::string&)> set;
  std::function<std::string(const JamSettings&)> get;
};

Knob int_knob(int JamSettings::*field, int lo, int hi) {
  return {[=](JamSettings& s, const std::string& text) -> std::string {
            const auto v = parse_number<int>(text);
            if (!v || *v < lo || *v > hi) {
              return "must be a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi);
            }
            s.*field = *v;
            return {};
          },
          [=](const JamSettings& s) { return std::to_string(s.*field); }};
}

Knob double_knob(double JamSettings::*field, double lo, double hi) {
  return {[=](JamSettings& s, const std::string& text) -> std::string {
            const auto v = parse_number<double>(text);
            if (!v || *v < lo || *v > hi) {
              return "must be a number from " + format_double(lo) + " to " + format_double(hi);
            }
            s.*field = *v;
            return {};
          },
          [=](const JamSettings& s) { return format_double(s.*field); }};
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
        [](const JamSettings& s) { return std::string(jam_mode_name(s.mode)); }}},
      {"sampling",
       {[](JamSettings& s, const std::string& t) -> std::string {
          const auto m = parse_sampling(t);
          if (!m) return "must be beam, greedy, stochastic-beam or sample";
          s.sampling = *m;
          if (t == "greedy") s.width = 1;
          return {};
        },
        [](const JamSettings& s) { return std::string(sampling_name(s.sampling)); }}},
      {"width", int_knob(&JamSettings::width, 1, 32)},
      {"temperature", double_knob(&JamSettings::temperature, 0.1, 2.0)},
      {"repetition", double_knob(&JamSettings::repetition, 0.0, 3.0)},
      {"timing",
       {[](JamSettings& s, const std::string& t) -> std::string {
          if (t != "search" && t != "sample") return "must be search or sample";
          s.sample_timing = t == "sample";
          return {};
        },
        [](const JamSettings& s) { return std::string(s.sample_timing ? "sample" : "search"); }}},
      {"timing-temperature", double_knob(&JamSettings::timing_temperature, 0.05, 4.0)},
      {"cluster", int_knob(&JamSettings::max_cluster, 1, kMaxPlayableCluster)},
      {"pace", double_knob(&JamSettings::max_pace, kMinPaceLimit, kMaxPaceLimit)},
      {"gap", double_knob(&JamSettings::gap_seconds, 0.05, 5.0)},
      {"length", int_knob(&JamSettings::length, 1, 500)},
      {"tempo", double_knob(&JamSettings::tempo_scale, 0.25, 4.0)},
      {"velocity", double_knob(&JamSettings::velocity_scale, 0.1, 2.0)},
      {"program", int_knob(&JamSettings::model_program, 0, 127)},
      {"yield",
       {[](JamSettings& s, const std::string& t) -> std::string {
          const auto m = parse_yield_mode(t);
          if (!m) return "must be stop or fade";
          s.yield = *m;
          return {};
        },
        [](const JamSettings& s) { return std::string(yield_mode_name(s.yield)); }}},
      {"fade", double_knob(&JamSettings::fade_seconds, 0.01, 5.0)},
      {"speculate",
       {[](JamSettings& s, const std::string& t) -> std::string {
          if (t == "on" || t == "true" || t == "1") {
            s.speculate = true;
          } else if (t == "off" || t == "false" || t == "0") {
            s.speculate = false;
          } else {
            return "must be on or off";
          }
          return {};
        },
        [](const JamSettings& s) { return std::string(s.speculate ? "on" : "off"); }}},
      {"seed",
       {[](JamSettings& s, const std::string& t) -> std::string {
          const auto v = parse_number<std::uint64_t>(t);
          if (!v) return "must be a whole number from 0";
          s.seed = *v;
          return {};
        },
        [](const JamSettings& s) { return std::to_string(s.seed); }}},
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
  static const std::vector<std::string> names = {
      "mode",    "width", "temperature", "repetition", "sampling", "timing",   "timing-temperature",
      "cluster", "pace",  "gap",         "length",     "tempo",    "velocity", "program",
      "yield",   "fade",  "speculate",   "seed"};
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

std::string knob_value(const JamSettings& settings, const std::string& name) {
  const auto it = knobs().find(name);
  return it == knobs().end() ? std::string() : it->second.get(settings);
}

JamSettings JamKnobs::load() const noexcept {
  JamSettings s;
  s.mode = static_cast<JamMode>(mode_.load(std::memory_order_relaxed));
  s.sampling = static_cast<Sampling>(sampling_.load(std::memory_order_relaxed));
  s.width = width_.load(std::memory_order_relaxed);
  s.temperature = temperature_.load(std::memory_order_relaxed);
  s.repetition = repetition_.load(std::memory_order_relaxed);
  s.sample_timing = sample_timing_.load(std::memory_order_relaxed);
  s.timing_temperature = timing_temperature_.load(std::memory_order_relaxed);
  s.max_cluster = max_cluster_.load(std::memory_order_relaxed);
  s.max_pace = max_pace_.load(std::memory_order_relaxed);
  s.gap_seconds = gap_.load(std::memory_order_relaxed);
  s.length = length_.load(std::memory_order_relaxed);
  s.tempo_scale = tempo_.load(std::memory_order_relaxed);
  s.velocity_scale = velocity_.load(std::memory_order_relaxed);
  s.model_program = program_.load(std::memory_order_relaxed);
  s.yield = static_cast<YieldMode>(yield_.load(std::memory_order_relaxed));
  s.fade_seconds = fade_.load(std::memory_order_relaxed);
  s.speculate = speculate_.load(std::memory_order_relaxed);
  s.seed = seed_.load(std::memory_order_relaxed);
  return s;
}

void JamKnobs::store(const JamSettings& s) noexcept {
  mode_.store(static_cast<int>(s.mode), std::memory_order_relaxed);
  sampling_.store(static_cast<int>(s.sampling), std::memory_order_relaxed);
  width_.store(s.width, std::memory_order_relaxed);
  temperature_.store(s.temperature, std::memory_order_relaxed);
  repetition_.store(s.repetition, std::memory_order_relaxed);
  sample_timing_.store(s.sample_timing, std::memory_order_relaxed);
  timing_temperature_.store(s.timing_temperature, std::memory_order_relaxed);
  max_cluster_.store(s.max_cluster, std::memory_order_relaxed);
  max_pace_.store(s.max_pace, std::memory_order_relaxed);
  gap_.store(s.gap_seconds, std::memory_order_relaxed);
  length_.store(s.length, std::memory_order_relaxed);
  tempo_.store(s.tempo_scale, std::memory_order_relaxed);
  velocity_.store(s.velocity_scale, std::memory_order_relaxed);
  program_.store(s.model_program, std::memory_order_relaxed);
  yield_.store(static_cast<int>(s.yield), std::memory_order_relaxed);
  fade_.store(s.fade_seconds, std::memory_order_relaxed);
  speculate_.store(s.speculate, std::memory_order_relaxed);
  seed_.store(s.seed, std::memory_order_relaxed);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::string JamKnobs::set(const std::string& name, const std::string& value) {
  JamSettings s = load();
  std::string error = set_knob(s, name, value);
  if (error.empty()) store(s);
  return error;
}

}  // namespace mlstm::rt
