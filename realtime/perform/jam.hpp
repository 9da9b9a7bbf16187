#pragma once
// A jam: the model's worker, the knobs, the performer and (live) the control thread that ticks
// it, as one object that any front end starts and stops: the `jam` command, the panel, the tests,
// one day a plugin. The front end owns the audio session; the jam listens to it and plays into it.
//
// Its life follows a jam's: the model and the knobs first (a bad model ends there, before any
// device opens), then attach() to the audio engine the player's input reaches, then either
// start()/stop() live, or tick() before each block offline.

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "perform/inference_worker.hpp"
#include "perform/jam_settings.hpp"
#include "perform/performer.hpp"

namespace mlstm::rt {

class Jam {
 public:
  // `live`: the model computes on a thread of its own while the audio runs; offline, an answer is
  // computed when it is first needed, so the jam is deterministic.
  Jam(Continuer continuer, const JamSettings& settings, bool live);
  ~Jam();
  Jam(const Jam&) = delete;
  Jam& operator=(const Jam&) = delete;

  // Where the player's events go: the input router's listener (the jam core's router).
  InputRouter::ListenerQueue& player_input() { return player_input_; }
  // The keys bound to knobs and actions, which the router keeps from the synthesizer
  // (the jam core's router); the performer keeps them up to date.
  const ControlKeys& control_keys() const { return control_keys_; }

  // One continuation of a plain scale with the jam's settings, so that the first real answer does
  // not pay for the model's lazy start. Returns its time in seconds.
  double warm_up(int context_notes);

  // The performer, playing into `engine`. Once, before start() or tick().
  void attach(AudioEngine& engine, const PerformerOptions& options);
  // A second source of the player's events (the panel's keyboard).
  void add_player_source(InputRouter::ListenerQueue& queue);

  // Live: ticks the performer every 2 ms on a thread of its own (its steps must not wait for the
  // panel's frames), at `now()`: the frame at which an event queued now would sound.
  void start(std::function<std::int64_t()> now);
  void stop();  // joins the thread; safe to call twice
  // Offline: before each block, with `now` the block's first frame.
  void tick(std::int64_t now) { performer().tick(now); }
  // Nothing left to answer or play after `now`.
  bool idle(std::int64_t now) const { return performer_->idle(now); }

  JamKnobs& knobs() { return knobs_; }
  InferenceWorker& worker() { return worker_; }
  Performer& performer() { return *performer_; }
  const Performer& performer() const { return *performer_; }

  // What the jam did: answers, how many were late, failed or yielded, inference times, the
  // settings at the end (the session report's "jam" object).
  nlohmann::json report() const;
  // One line for the terminal: "3 answers (2 ready when the phrase ended, ...), 1 yielded".
  std::string summary() const;

 private:
  JamKnobs knobs_;
  InferenceWorker worker_;
  InputRouter::ListenerQueue player_input_;
  ControlKeys control_keys_;
  std::unique_ptr<Performer> performer_;
  std::atomic<bool> running_{false};
  std::thread control_;
};

}  // namespace mlstm::rt
