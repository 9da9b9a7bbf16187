#include "perform/knob_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include "decode/search_knobs.hpp"

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

// A numeric field of the settings, by an accessor (the fields live in JamSettings and in its
// SearchSettings).
template <typename T>
using Field = T& (*)(JamSettings&);

// A number from lo to hi (whole numbers for kWhole), read and written through `get` and `set`.
KnobSpec numeric_knob(std::string id, KnobKind kind, double lo, double hi,
                      std::function<double(const JamSettings&)> get,
                      std::function<void(JamSettings&, double)> set) {
  KnobSpec k;
  k.id = std::move(id);
  k.kind = kind;
  k.lo = lo;
  k.hi = hi;
  const bool whole = kind == KnobKind::kWhole;
  k.set = [=](JamSettings& s, const std::string& text) -> std::string {
    std::optional<double> v;
    if (whole) {
      if (const auto i = parse_number<long long>(text)) v = static_cast<double>(*i);
    } else {
      v = parse_number<double>(text);
    }
    if (!v || *v < lo || *v > hi) {
      return std::string(whole ? "must be a whole number from " : "must be a number from ") +
             knob_number_text(lo) + " to " + knob_number_text(hi);
    }
    set(s, *v);
    return {};
  };
  k.get = [=](const JamSettings& s) {
    const double v = get(s);
    return whole ? std::to_string(std::llround(v)) : knob_number_text(v);
  };
  return k;
}

KnobSpec whole_knob(std::string id, Field<int> field, int lo, int hi) {
  return numeric_knob(
      std::move(id), KnobKind::kWhole, lo, hi,
      [=](const JamSettings& s) {
        JamSettings copy = s;  // the accessor hands out a reference to write through
        return static_cast<double>(field(copy));
      },
      [=](JamSettings& s, double v) { field(s) = static_cast<int>(v); });
}

KnobSpec number_knob(std::string id, Field<double> field, double lo, double hi) {
  return numeric_knob(
      std::move(id), KnobKind::kNumber, lo, hi,
      [=](const JamSettings& s) {
        JamSettings copy = s;
        return field(copy);
      },
      [=](JamSettings& s, double v) { field(s) = v; });
}

// A knob of the search: its range, unit and help from decode/search_knobs.hpp.
KnobSpec search_knob_spec(const char* id) {
  const SearchKnob* sk = &search_knob(id);
  KnobSpec k = numeric_knob(
      id, sk->whole ? KnobKind::kWhole : KnobKind::kNumber, sk->lo, sk->hi,
      [sk](const JamSettings& s) { return sk->get(s.search); },
      [sk](JamSettings& s, double v) { sk->set(s.search, v); });
  k.unit = sk->unit;
  k.help = sk->help;
  return k;
}

KnobSpec on_off_knob(std::string id, Field<bool> field) {
  KnobSpec k;
  k.id = std::move(id);
  k.kind = KnobKind::kOnOff;
  k.choices = {"off", "on"};
  k.set = [=](JamSettings& s, const std::string& t) -> std::string {
    if (t == "on" || t == "true" || t == "1") {
      field(s) = true;
    } else if (t == "off" || t == "false" || t == "0") {
      field(s) = false;
    } else {
      return "must be on or off";
    }
    return {};
  };
  k.get = [=](const JamSettings& s) {
    JamSettings copy = s;
    return std::string(field(copy) ? "on" : "off");
  };
  return k;
}

// One of some named values of a field; `aliases` are other spellings set() also takes.
template <typename E>
KnobSpec choice_knob(std::string id, Field<E> field, std::vector<std::pair<std::string, E>> values,
                     std::vector<std::pair<std::string, E>> aliases = {}) {
  KnobSpec k;
  k.id = std::move(id);
  k.kind = KnobKind::kChoice;
  for (const auto& [name, value] : values) k.choices.push_back(name);
  const std::string said = knob_range(k);
  k.set = [=](JamSettings& s, const std::string& t) -> std::string {
    for (const auto& list : {values, aliases}) {
      for (const auto& [name, value] : list) {
        if (name != t) continue;
        field(s) = value;
        return {};
      }
    }
    return "must be " + said;
  };
  k.get = [=](const JamSettings& s) {
    JamSettings copy = s;
    for (const auto& [name, value] : values) {
      if (field(copy) == value) return name;
    }
    return values.front().first;
  };
  return k;
}

// Sets the panel's and --help's words on a knob.
KnobSpec with(KnobSpec k, KnobGroup group, std::string label, std::string help = {},
              std::string unit = {}) {
  k.group = group;
  k.label = std::move(label);
  if (!help.empty()) k.help = std::move(help);
  if (!unit.empty()) k.unit = std::move(unit);
  return k;
}

// A knob of the standalone program alone: a plugin's host has no such parameter.
KnobSpec standalone_only(KnobSpec k) {
  k.host_parameter = false;
  return k;
}

// The panel's words for a knob's choices, in their order.
KnobSpec labelled(KnobSpec k, std::vector<std::string> labels) {
  k.choice_labels = std::move(labels);
  return k;
}

KnobSpec decimals(KnobSpec k, int places, bool log_scale = false) {
  k.decimals = places;
  k.log_scale = log_scale;
  return k;
}

KnobSpec sampling_knob() {
  KnobSpec k = choice_knob<Sampling>("sampling",
                                     [](JamSettings& s) -> Sampling& { return s.search.sampling; },
                                     {{"beam", Sampling::kBeam},
                                      {"stochastic-beam", Sampling::kStochasticBeam},
                                      {"sample", Sampling::kSample}},
                                     {{"greedy", Sampling::kBeam}});
  // "greedy" is beam search at width 1.
  const auto set = k.set;
  k.set = [set](JamSettings& s, const std::string& t) -> std::string {
    std::string error = set(s, t);
    if (error.empty() && t == "greedy") s.search.width = 1;
    return error;
  };
  return k;
}

KnobSpec scale_knob() {
  KnobSpec k;
  k.id = "scale";
  k.kind = KnobKind::kScale;
  k.choices = {"off", "key"};
  k.set = [](JamSettings& s, const std::string& t) -> std::string {
    if (t == "off") {
      s.scale_lock = ScaleLock::kOff;
    } else if (t == "key") {
      s.scale_lock = ScaleLock::kKey;
    } else if (const auto scale = music::parse_scale(t)) {
      s.scale_lock = ScaleLock::kScale;
      s.scale = *scale;
    } else {
      return "must be off, key (the key the jam hears you in) or a scale such as 'D minor' (the "
             "kinds: " +
             music::scale_kind_names() + ")";
    }
    return {};
  };
  k.get = [](const JamSettings& s) {
    switch (s.scale_lock) {
      case ScaleLock::kOff:
        return std::string("off");
      case ScaleLock::kKey:
        return std::string("key");
      case ScaleLock::kScale:
        return s.scale.name();
    }
    return std::string("off");
  };
  return k;
}

KnobSpec seed_knob() {
  KnobSpec k;
  k.id = "seed";
  k.kind = KnobKind::kSeed;
  k.learnable = false;
  k.set = [](JamSettings& s, const std::string& t) -> std::string {
    const auto v = parse_number<std::uint64_t>(t);
    if (!v) return "must be a whole number from 0";
    s.search.seed = *v;
    return {};
  };
  k.get = [](const JamSettings& s) { return std::to_string(s.search.seed); };
  return k;
}

std::vector<KnobSpec> make_table() {
  using G = KnobGroup;
  return {
      with(choice_knob<JamMode>("mode", [](JamSettings& s) -> JamMode& { return s.mode; },
                                {{"call-and-response", JamMode::kCallAndResponse},
                                 {"continuous", JamMode::kContinuous},
                                 {"listen", JamMode::kListenOnly}},
                                {{"listen-only", JamMode::kListenOnly}}),
           G::kAnswer, "mode",
           "call-and-response answers each phrase; continuous keeps playing from its own notes "
           "until you play; listen stays silent"),
      with(search_knob_spec("width"), G::kAnswer, "beam width"),
      decimals(with(search_knob_spec("temperature"), G::kAnswer, "temperature"), 2, true),
      decimals(with(search_knob_spec("repetition"), G::kAnswer, "repetition"), 2, true),
      with(sampling_knob(), G::kAnswer, "sampling",
           "beam: the likeliest notes; stochastic-beam: drawn beams, as varied as a pianist; "
           "sample: one note at a time; greedy: beam at width 1"),
      decimals(with(number_knob(
                        "gap", [](JamSettings& s) -> double& { return s.gap_seconds; }, 0.05, 5.0),
                    G::kAnswer, "gap (s)", "Seconds of silence that end a phrase", "s"),
               2),
      with(whole_knob(
               "length", [](JamSettings& s) -> int& { return s.search.length; }, 1, 500),
           G::kAnswer, "answer notes", "Notes per answer", "notes"),
      decimals(with(number_knob(
                        "tempo", [](JamSettings& s) -> double& { return s.search.time_scale; },
                        0.25, 4.0),
                    G::kAnswer, "tempo scale",
                    "The answer's times are multiplied by this: 2 is half as fast"),
               2, true),
      decimals(with(number_knob(
                        "velocity", [](JamSettings& s) -> double& { return s.velocity_scale; }, 0.1,
                        2.0),
                    G::kAnswer, "velocity", "The answer's velocities are multiplied by this"),
               2),
      with(choice_knob<YieldMode>("yield", [](JamSettings& s) -> YieldMode& { return s.yield; },
                                  {{"stop", YieldMode::kStop}, {"fade", YieldMode::kFade}}),
           G::kAnswer, "when played over",
           "What an answer does when you play over it: stop, or fade out over --fade seconds"),
      decimals(
          with(number_knob(
                   "fade", [](JamSettings& s) -> double& { return s.fade_seconds; }, 0.01, 5.0),
               G::kAnswer, "fade (s)", "Seconds an answer takes to fade with yield fade", "s"),
          2),
      with(on_off_knob("speculate", [](JamSettings& s) -> bool& { return s.speculate; }),
           G::kAnswer, "speculate",
           "Compute an answer after every note you play, so that it is ready when the gap ends"),
      labelled(with(choice_knob<bool>(
                        "timing", [](JamSettings& s) -> bool& { return s.search.sample_timing; },
                        {{"search", false}, {"sample", true}}),
                    G::kTiming, "timing",
                    "With beam search: search (the likeliest step, duration and velocity) or "
                    "sample (drawn "
                    "from the model: rhythms as varied as a pianist's)"),
               {"search (the likeliest)", "sample (drawn)"}),
      decimals(with(search_knob_spec("timing-temperature"), G::kTiming, "timing temperature"), 2,
               true),
      with(search_knob_spec("cluster"), G::kTiming, "notes together at most"),
      decimals(with(search_knob_spec("pace"), G::kTiming, "notes a second at most"), 0),
      decimals(with(search_knob_spec("pace-ratio"), G::kTiming, "pace, times yours (0: off)"), 1),
      decimals(with(search_knob_spec("recall"), G::kMaterial, "figure recall (nats)"), 1),
      decimals(with(search_knob_spec("register-keep"), G::kMaterial, "keep to your register"), 1),
      labelled(with(choice_knob<Entry>(
                        "entry", [](JamSettings& s) -> Entry& { return s.entry; },
                        {{"free", Entry::kFree}, {"beat", Entry::kBeat}, {"bar", Entry::kBar}}),
                    G::kTime, "answers enter",
                    "free: when the gap has passed; beat: on the first beat of your tempo after "
                    "that; bar: "
                    "on the first bar line (your phrase began a bar)"),
               {"when the gap has passed", "on the next beat", "on the next bar line"}),
      labelled(
          with(choice_knob<AnswerTempo>(
                   "answer-tempo", [](JamSettings& s) -> AnswerTempo& { return s.answer_tempo; },
                   {{"model", AnswerTempo::kModel}, {"player", AnswerTempo::kPlayer}}),
               G::kTime, "answer's tempo",
               "model: its own; player: the model hears your phrase at 120 bpm, and its answer is "
               "played back at your tempo (half to twice its speed)"),
          {"the model's", "yours"}),
      decimals(
          with(number_knob(
                   "groove", [](JamSettings& s) -> double& { return s.groove; }, 0.0, 1.0),
               G::kTime, "groove (to the grid)",
               "While a clock, the metronome, Link or a host's transport gives the beat and the "
               "answer is in your tempo, its notes are drawn this far to the beat's grid "
               "(sixteenths, or triplets or your swing where you played them): 0 as the "
               "model played, 1 on the grid"),
          2),
      with(whole_knob(
               "beats-per-bar", [](JamSettings& s) -> int& { return s.beats_per_bar; }, 1, 12),
           G::kTime, "beats in a bar", "Beats in a bar, for entry bar and the metronome", "beats"),
      labelled(
          with(
              choice_knob<Metronome>("metronome",
                                     [](JamSettings& s) -> Metronome& { return s.metronome; },
                                     {{"off", Metronome::kOff},
                                      {"click", Metronome::kClick},
                                      {"count-in", Metronome::kCountIn}},
                                     {{"on", Metronome::kClick}}),
              G::kTime, "metronome",
              "off: the jam hears your beat in your notes; click: a click on every beat, louder on "
              "the bar line; count-in: count-in bars of clicks, then silent. On, its tempo is the "
              "beat the jam keeps"),
          {"off (your beat is heard)", "clicking", "a count-in, then silent"}),
      decimals(with(number_knob(
                        "metronome-bpm", [](JamSettings& s) -> double& { return s.metronome_bpm; },
                        30.0, 300.0),
                    G::kTime, "metronome bpm", "The metronome's tempo", "bpm"),
               0),
      with(whole_knob(
               "click-volume", [](JamSettings& s) -> int& { return s.click_volume; }, 1, 127),
           G::kTime, "click volume", "The click's velocity"),
      with(whole_knob(
               "count-in", [](JamSettings& s) -> int& { return s.count_in_bars; }, 1, 8),
           G::kTime, "bars counted in", "Bars of a count-in", "bars"),
      with(on_off_knob("clock-in", [](JamSettings& s) -> bool& { return s.clock_in; }), G::kTime,
           "follow MIDI clock in",
           "While MIDI clock comes in (a DAW, a drum machine: 24 pulses a beat, start, stop, "
           "continue), its tempo and beat are the jam's, for the entry, the answer's tempo and "
           "the metronome"),
      standalone_only(with(
          on_off_knob("link", [](JamSettings& s) -> bool& { return s.link; }), G::kTime,
          "Ableton Link",
          "Join an Ableton Link session (apps on this machine or the network): while other "
          "peers are in it, its tempo and beat are the jam's, before MIDI clock in's; while the "
          "jam is alone in it, the jam's beat sets the session's tempo and phase")),
      with(on_off_knob("clock-out", [](JamSettings& s) -> bool& { return s.clock_out; }), G::kTime,
           "send MIDI clock out",
           "Send MIDI clock (24 pulses a beat, start and stop) at the jam's beat through "
           "--midi-out, so a drum machine or a DAW follows"),
      decimals(with(number_knob(
                        "out-latency", [](JamSettings& s) -> double& { return s.out_latency_ms; },
                        0.0, 500.0),
                    G::kTime, "MIDI out latency ms",
                    "The model's notes and the clock go out through --midi-out this much before "
                    "FluidSynth plays them: an external synthesizer's latency",
                    "ms"),
               0),
      decimals(with(number_knob(
                        "in-latency", [](JamSettings& s) -> double& { return s.in_latency_ms; },
                        0.0, 500.0),
                    G::kTime, "input latency ms",
                    "Your keyboard and MIDI interface take this long to deliver a note: the jam "
                    "times your phrase's end and your beat from when you played",
                    "ms"),
               0),
      labelled(with(scale_knob(), G::kTime, "answer's notes",
                    "The answer's notes keep to off (any), key (the key the jam hears you in) or "
                    "a scale such as 'D minor' or 'A minor-pentatonic'"),
               {"any", "the key you play in", "a scale you set"}),
      with(whole_knob(
               "program", [](JamSettings& s) -> int& { return s.model_program; }, 0, 127),
           G::kVoice, "model program", "General MIDI program of the model's voice (0: piano)"),
      with(seed_knob(), G::kNone, "seed", "Seed of the sampling methods"),
  };
}

}  // namespace

const std::vector<KnobSpec>& knob_table() {
  static const std::vector<KnobSpec> table = make_table();
  return table;
}

const KnobSpec* find_knob(std::string_view id) {
  for (const KnobSpec& k : knob_table()) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

std::string knob_default(const KnobSpec& k) {
  return k.get(JamSettings{});
}

std::string knob_range(const KnobSpec& k) {
  switch (k.kind) {
    case KnobKind::kWhole:
    case KnobKind::kNumber:
      return knob_number_text(k.lo) + " to " + knob_number_text(k.hi) +
             (k.unit.empty() ? "" : " " + k.unit);
    case KnobKind::kSeed:
      return "a whole number from 0";
    case KnobKind::kScale:
      return "off, key or a scale";
    case KnobKind::kChoice:
    case KnobKind::kOnOff:
      break;
  }
  std::string text;
  for (std::size_t i = 0; i < k.choices.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == k.choices.size() ? " or " : ", ") + k.choices[i];
  }
  return text;
}

std::string knob_help(const KnobSpec& k) {
  return k.help + " (" + knob_range(k) + "; default: " + knob_default(k) + ")";
}

std::string knob_number(const KnobSpec& k, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", std::max(0, k.decimals), v);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

double knob_from_controller(const KnobSpec& k, int value) {
  const double x = std::clamp(value, 0, 127) / 127.0;
  double v = k.lo + (k.hi - k.lo) * x;
  if (k.log_scale && k.hi > 0) {
    // Geometric from lo (or hi / 100 where lo is 0, whose own value is the controller's 0).
    const double floor = k.lo > 0 ? k.lo : k.hi / 100.0;
    v = value <= 0 && k.lo <= 0 ? k.lo : floor * std::pow(k.hi / floor, x);
  }
  if (k.kind == KnobKind::kWhole) return std::clamp(std::round(v), k.lo, k.hi);
  return std::clamp(std::stod(knob_number(k, v)), k.lo, k.hi);
}

}  // namespace mlstm::rt
