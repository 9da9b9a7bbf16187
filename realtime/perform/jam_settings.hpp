#pragma once
// How the model plays along: the mode and the knobs of a jam. JamSettings holds values (a preset,
// the command line); JamKnobs holds the jam's current settings, which the panel, the command line
// or a control line set while the jam runs, and the performer reads whole when it asks for a
// continuation or schedules one.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "decode/search_settings.hpp"
#include "music/scale.hpp"

namespace mlstm::rt {

enum class JamMode {
  kCallAndResponse,  // answer each phrase once the player is silent for the gap
  kContinuous,       // answer, then keep chaining from the model's own notes until the player plays
  kListenOnly,       // the model stays silent
};

// What an answer does when the player plays over it.
enum class YieldMode { kStop, kFade };

// Which pitches an answer may use.
enum class ScaleLock {
  kOff,    // any
  kKey,    // the scale of the key the jam hears the player in (music/key_estimate.hpp)
  kScale,  // the scale the player set (JamSettings::scale)
};

// Where an answer to the player enters.
enum class Entry {
  kFree,  // when the gap has passed (and the answer is ready)
  kBeat,  // on the first beat of the player's tempo after that
  kBar,   // on the first bar line after that (the player's phrase began a bar)
};

// The tempo an answer is played in.
enum class AnswerTempo {
  kModel,   // the model's own (times the tempo knob)
  kPlayer,  // time-scaled so its beat is the player's (times the tempo knob)
};

// A MIDI controller (a knob, a fader, a pedal: its CC number, on any channel) or a key (one
// outside the range the player plays in: it is then neither heard nor recorded, and the model
// does not hear it) bound by MIDI learn to a knob (a controller's value, or a key's velocity,
// sweeps the knob's range) or to an action (pressed: a controller at 64 or more, a key down).
struct ControllerBinding {
  int controller = 1;  // 0..127: the CC number, or with `key` the key
  std::string target;  // a knob name, or an action: answer-now, stop-answer, next-mode
  bool key = false;
  bool operator==(const ControllerBinding&) const = default;
};
// How bindings name what is bound: "64" (controller 64) or "key 21" (also "key:21", "key21").
std::string control_name(const ControllerBinding& b);
// Parses a control name into `b` (controller and key); false when it is neither.
bool parse_control_name(const std::string& text, ControllerBinding& b);
// Adds `b`, replacing the binding of the same control and any other of the same target, in the
// order: controllers by number, then keys.
void add_binding(std::vector<ControllerBinding>& bindings, const ControllerBinding& b);
// Whether `key` is bound (a key binding).
bool key_is_bound(const std::vector<ControllerBinding>& bindings, int key);

// The actions a controller can trigger, besides the knobs.
const std::vector<std::string>& controller_actions();
// Whether `target` is a knob a controller can set or one of the actions; else one line why not.
std::string binding_target_error(const std::string& target);

// The metronome: off (the jam hears the beat in the player's notes), clicking throughout, or a
// count-in of some bars that then falls silent. On or counting in, its tempo is the beat the jam
// keeps (for the entry and answer-tempo knobs), from the bar it started on.
enum class Metronome { kOff, kClick, kCountIn };

struct JamSettings {
  JamMode mode = JamMode::kCallAndResponse;
  // How each answer is searched for: sampling, width, temperature, repetition penalty, timing,
  // playability limits, length, seed, and the tempo knob (time_scale: the answer's times are
  // multiplied by it; 2 is half as fast). Its pitch classes are the scale lock's, set when asked.
  SearchSettings search = default_search_settings();
  double gap_seconds = 0.35;    // silence that ends a phrase
  double velocity_scale = 1.0;  // the answer's velocities are multiplied by this
  int model_program = 0;        // General MIDI program of the model's voice
  YieldMode yield = YieldMode::kStop;
  double fade_seconds = 0.3;  // with YieldMode::kFade
  bool speculate = true;      // compute a continuation after every player note
  ScaleLock scale_lock = ScaleLock::kOff;
  music::Scale scale{0, music::ScaleKind::kMajor};  // with ScaleLock::kScale
  Entry entry = Entry::kFree;
  AnswerTempo answer_tempo = AnswerTempo::kModel;
  int beats_per_bar = 4;  // 1..12: where the bar lines of Entry::kBar fall
  // 0..1: how far an answer in the player's tempo is drawn to the beat's grid while a clock, the
  // metronome or a host's transport gives the beat (perform/groove.hpp); 0 as the model played.
  double groove = 0.75;
  Metronome metronome = Metronome::kOff;
  double metronome_bpm = 100;  // 30..300
  int click_volume = 90;       // 1..127: the click's velocity (the bar line's a little louder)
  int count_in_bars = 1;       // 1..8, with Metronome::kCountIn
  bool clock_out = false;      // MIDI clock (24 pulses a beat, start, stop) at the jam's beat
  // MIDI clock in (midi/clock_follower.hpp): while a sender's clock runs, its tempo and beat are
  // the jam's, before the metronome's and the player's.
  bool clock_in = true;
  // An Ableton Link session (link/link_session.hpp, the standalone program's): while it has
  // other peers, its beat rules before MIDI clock in's; while the jam is alone, the jam leads it.
  bool link = false;
  // Latency compensation. MIDI out: the model's notes and the clock go out this much before
  // FluidSynth plays them, for an external synthesizer that sounds that much after it hears
  // them. Input: the player's keyboard and interface deliver a note this much after it was
  // played; the jam times the phrase's end and the player's beat from when it was played.
  double out_latency_ms = 0;                // 0..500
  double in_latency_ms = 0;                 // 0..500
  std::vector<ControllerBinding> bindings;  // MIDI learn's, by controller; saved with presets

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
// Sets a knob from a MIDI controller's value (0..127): a number across the knob's range, or one of
// its choices in order (the mode: call-and-response, continuous, listen). Returns what set_knob()
// does; the seed follows no controller.
std::string set_knob_from_controller(JamSettings& settings, const std::string& name, int value);
bool controller_can_set(const std::string& name);
// The knob's value as text, as set_knob() reads it.
std::string knob_value(const JamSettings& settings, const std::string& name);

// The jam's settings as one consistent snapshot, written through one serialised writer: a reader
// never sees half of a preset that a writer is storing, and two writers (the panel, a control
// line, a controller, MIDI learn) never lose each other's change, since each one's
// read-modify-write runs under the lock (update()). A mutex, not atomics: the readers are the
// performer's control thread and the panel, never the audio thread, and the lock is held for one
// copy of a small struct or one knob's change.
class JamKnobs {
 public:
  explicit JamKnobs(const JamSettings& initial = {}) : settings_(initial) {}

  // [any thread but the audio thread] The settings as they are now, whole.
  JamSettings load() const;
  // [any thread but the audio thread] Replaces them whole (a preset).
  void store(const JamSettings& s);
  // [any thread but the audio thread] Changes them by `change(settings)` under the lock. `change`
  // returns an empty string to keep its change, or what is wrong to drop it; update() returns
  // that. The version moves only when the settings did.
  template <typename Change>
  std::string update(Change&& change) {
    const std::lock_guard lock(mutex_);
    JamSettings changed = settings_;
    std::string error = change(changed);
    if (error.empty() && !(changed == settings_)) {
      settings_ = std::move(changed);
      ++version_;
    }
    return error;
  }
  // [any thread but the audio thread] One knob from text, as set_knob(), through update().
  std::string set(const std::string& name, const std::string& value);

  // Bumped on every change: the performer notices that a speculative answer was asked for with
  // other settings.
  std::uint64_t version() const;

 private:
  mutable std::mutex mutex_;
  JamSettings settings_;
  std::uint64_t version_ = 0;
};

}  // namespace mlstm::rt
