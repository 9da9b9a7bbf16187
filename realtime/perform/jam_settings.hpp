#pragma once
// How the model plays along: the mode and the knobs of a jam. JamSettings holds values (a preset,
// the command line); JamKnobs holds the same as atomics that the panel, the command line or a
// control line set while the jam runs, and the performer reads when it asks for a continuation or
// schedules one (DESIGN.md: knobs are atomics).

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decode/search_settings.hpp"

namespace mlstm::rt {

enum class JamMode {
  kCallAndResponse,  // answer each phrase once the player is silent for the gap
  kContinuous,       // answer, then keep chaining from the model's own notes until the player plays
  kListenOnly,       // the model stays silent
};

// What an answer does when the player plays over it.
enum class YieldMode { kStop, kFade };

struct JamSettings {
  JamMode mode = JamMode::kCallAndResponse;
  Sampling sampling = Sampling::kBeam;
  int width = 8;                                  // 1..32
  double temperature = 1.0;                       // 0.1..2.0
  double repetition = kDefaultRepetitionPenalty;  // nats per recent repeat of a pitch, 0..3
  // beam: draw the timing and velocity instead of searching them (kDefaultSampleTiming says why)
  bool sample_timing = kDefaultSampleTiming;
  double timing_temperature = kDefaultTimingTemperature;  // times temperature, for the timing
  // Playability limits of every answer (decode/onset_limits.hpp): notes that may start together,
  // and the pace no answer goes past.
  int max_cluster = kDefaultMaxCluster;  // 1..10
  double max_pace = kDefaultMaxPace;     // notes a second, 1..36
  double gap_seconds = 0.35;             // silence that ends a phrase
  int length = 50;                       // notes per answer
  double tempo_scale = 1.0;     // the answer's times are multiplied by this (2: half as fast)
  double velocity_scale = 1.0;  // the answer's velocities are multiplied by this
  int model_program = 0;        // General MIDI program of the model's voice
  YieldMode yield = YieldMode::kStop;
  double fade_seconds = 0.3;  // with YieldMode::kFade
  bool speculate = true;      // compute a continuation after every player note
  std::uint64_t seed = 0;     // for the sampling methods

  bool operator==(const JamSettings&) const = default;
};

// Names as the command line, presets and control lines spell them.
const char* jam_mode_name(JamMode mode);
std::optional<JamMode> parse_jam_mode(const std::string& name);  // "call-and-response", ...
const char* yield_mode_name(YieldMode mode);
std::optional<YieldMode> parse_yield_mode(const std::string& name);  // "stop", "fade"

// The knob names set_knob() knows, in the order --help and the panel list them.
const std::vector<std::string>& knob_names();
// Sets one knob from text ("width", "8"). Returns an empty string, or one line saying what is
// wrong with the name or the value (its range).
std::string set_knob(JamSettings& settings, const std::string& name, const std::string& value);
// The knob's value as text, as set_knob() reads it.
std::string knob_value(const JamSettings& settings, const std::string& name);

class JamKnobs {
 public:
  explicit JamKnobs(const JamSettings& initial = {}) { store(initial); }

  JamSettings load() const noexcept;
  void store(const JamSettings& s) noexcept;
  // One knob from text, as set_knob(); a read-modify-write of the whole set, for one writer at a
  // time (the panel or the control line, not both at once).
  std::string set(const std::string& name, const std::string& value);

  // Bumped on every store: the performer notices that a speculative answer was asked for with
  // other settings.
  std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }

 private:
  std::atomic<int> mode_{0}, sampling_{0}, width_{8}, length_{50}, program_{0}, yield_{0},
      max_cluster_{kDefaultMaxCluster};
  std::atomic<double> temperature_{1.0}, repetition_{kDefaultRepetitionPenalty}, gap_{0.35},
      tempo_{1.0}, velocity_{1.0}, fade_{0.3}, max_pace_{kDefaultMaxPace},
      timing_temperature_{kDefaultTimingTemperature};
  std::atomic<bool> speculate_{true}, sample_timing_{kDefaultSampleTiming};
  std::atomic<std::uint64_t> seed_{0};
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace mlstm::rt
