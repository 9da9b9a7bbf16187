#pragma once
// The performer's control surface: the player's controllers and the keys bound outside their
// playing range. MIDI learn binds the next one moved; a bound controller (or a key, by its
// velocity) sets a knob across its range; an action (answer-now, stop-answer, next-mode) fires
// once per press. The keys bound are published for the input routers, which keep them from the
// synthesizer. It changes the knobs itself (through JamKnobs::update(), serialised) and names the
// action for the answering part to carry out.
//
// Threads: learn() and learning() any thread; the rest the performer's tick.

#include <mutex>
#include <string>
#include <vector>

#include "midi/input_router.hpp"
#include "perform/jam_settings.hpp"

namespace mlstm::rt {

// What the answering part must do for a control.
enum class ControlAction { kNone, kAnswerNow, kStopAnswer };

struct ControlResult {
  bool handled = false;  // false: a key that is not bound (a note to play)
  ControlAction action = ControlAction::kNone;
  std::string line;  // a line worth telling the player, or empty
};

class ControlSurface {
 public:
  explicit ControlSurface(JamKnobs& knobs) : knobs_(knobs) {}

  // Where the keys bound are published for the input routers; before the first tick.
  void set_control_keys(ControlKeys* keys) { control_keys_ = keys; }
  // MIDI learn: the next controller moved or key pressed is bound to `target` (a knob a
  // controller can set, or an action). Returns an empty string, or why it cannot be learned.
  std::string learn(const std::string& target);
  // What MIDI learn waits to bind, or empty.
  std::string learning() const;

  // Publishes the keys bound in `s` when the bindings changed.
  void publish_keys(const JamSettings& s);
  // A controller moved, or a bound key went down (`value` its velocity) or up (0).
  ControlResult on_control(int controller, int value, bool key, const JamSettings& s);

 private:
  JamKnobs& knobs_;
  ControlKeys* control_keys_ = nullptr;
  std::vector<ControllerBinding> published_bindings_;  // the keys of these are in control_keys_
  mutable std::mutex learn_mutex_;
  std::string learn_target_;  // MIDI learn waits to bind this (learn_mutex_)
  std::vector<int> pressed_;  // controls bound to actions held down (keys: 128 + key)
};

}  // namespace mlstm::rt
