#include "perform/control_surface.hpp"

#include <algorithm>
#include <cstdint>

#include "midi/note.hpp"

namespace mlstm::rt {
namespace {

// The control was the surface's: with an action to carry out, and a line to say.
ControlResult handled(ControlAction action = ControlAction::kNone, std::string line = {}) {
  return {true, action, std::move(line)};
}

}  // namespace

std::string ControlSurface::learn(const std::string& target) {
  if (std::string error = binding_target_error(target); !error.empty()) return error;
  const std::lock_guard lock(learn_mutex_);
  learn_target_ = target;
  return {};
}

std::string ControlSurface::learning() const {
  const std::lock_guard lock(learn_mutex_);
  return learn_target_;
}

void ControlSurface::publish_keys(const JamSettings& s) {
  if (!control_keys_ || s.bindings == published_bindings_) return;
  std::uint64_t bits[2] = {0, 0};
  for (const ControllerBinding& b : s.bindings) {
    if (b.key) bits[b.controller / 64] |= std::uint64_t{1} << (b.controller % 64);
  }
  control_keys_->set(bits);
  published_bindings_ = s.bindings;
}

ControlResult ControlSurface::on_control(int controller, int value, bool key,
                                         const JamSettings& s) {
  {
    const std::lock_guard lock(learn_mutex_);
    // A key is learned when it goes down (its release, like a note's, is then the binding's).
    if (!learn_target_.empty() && (!key || value > 0)) {
      const ControllerBinding learned{controller, learn_target_, key};
      knobs_.update([&](JamSettings& now) {
        add_binding(now.bindings, learned);
        return std::string();
      });
      ControlResult r = handled(ControlAction::kNone, std::string(key ? "" : "controller ") +
                                                          control_name(learned) + " now controls " +
                                                          learn_target_);
      learn_target_.clear();
      return r;
    }
  }
  const int id = key ? 128 + controller : controller;
  for (const ControllerBinding& b : s.bindings) {
    if (b.controller != controller || b.key != key) continue;
    if (controller_can_set(b.target)) {
      // A key sets the knob by its velocity when it goes down; its release changes nothing.
      if (key && value == 0) return handled();
      knobs_.update(
          [&](JamSettings& now) { return set_knob_from_controller(now, b.target, value); });
      return handled();
    }
    // An action fires when the control is pressed (a controller at 64 and over, a key down),
    // once until it is released.
    const bool down = key ? value > 0 : switch_pressed(value);
    const bool was_down = std::find(pressed_.begin(), pressed_.end(), id) != pressed_.end();
    if (!down) std::erase(pressed_, id);
    if (!down || was_down) return handled();
    pressed_.push_back(id);
    if (b.target == "answer-now") return handled(ControlAction::kAnswerNow);
    if (b.target == "stop-answer") return handled(ControlAction::kStopAnswer);
    if (b.target == "next-mode") {
      JamMode mode = s.mode;
      knobs_.update([&](JamSettings& now) {
        now.mode = now.mode == JamMode::kCallAndResponse ? JamMode::kContinuous
                   : now.mode == JamMode::kContinuous    ? JamMode::kListenOnly
                                                         : JamMode::kCallAndResponse;
        mode = now.mode;
        return std::string();
      });
      return handled(ControlAction::kNone, std::string("mode: ") + jam_mode_name(mode));
    }
    return handled();
  }
  return {false, ControlAction::kNone, {}};
}

}  // namespace mlstm::rt
