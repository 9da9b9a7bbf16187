#pragma once
// The performer: listens to the player, decides when the model answers, and schedules the answer
// in audio-frame time on the model's channel. It runs on the control thread in real time (every
// couple of milliseconds) or once per block in the offline loop; it never waits on the model.
//
// It is a conductor of parts, each with one job (issue 34), ticked in this order with one
// snapshot of the knobs:
//  - the phrase listener (phrase_listener.hpp): the player's context, phrase starts, key;
//  - the control surface (control_surface.hpp): MIDI learn, bound controllers and keys;
//  - the tempo map (tempo_map.hpp): the jam's beat from the host's transport, MIDI clock in, the
//    metronome or the player's notes;
//  - the click track (click_track.hpp): the metronome's clicks and MIDI clock out;
//  - the answering part (answerer.hpp): requests, speculation, chaining, yield;
//  - the sequencer (sequencer.hpp): the answers in frames, handed to the audio thread a little
//    ahead and re-timed when the beat changes, the rate bound, the piano roll.
// The performer itself reads the player's queues and routes each event to its part, and
// publishes the panel's view. A second answering part (another voice) would be a second
// Answerer over the same listener, tempo map and a sequencer of its own.
//
// Times: `now` is the frame at which an event queued now would sound (the audio clock's frame
// plus the input latency), the same time line as the player's events.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/host_transport.hpp"
#include "engine/audio_engine.hpp"
#include "midi/clock_follower.hpp"
#include "midi/input_router.hpp"
#include "music/scale.hpp"
#include "perform/answer_record.hpp"
#include "perform/answerer.hpp"
#include "perform/click_track.hpp"
#include "perform/control_surface.hpp"
#include "perform/groove.hpp"
#include "perform/inference_worker.hpp"
#include "perform/jam_settings.hpp"
#include "perform/note_context.hpp"
#include "perform/phrase_listener.hpp"
#include "perform/player_beat.hpp"
#include "perform/sequencer.hpp"
#include "perform/tempo_map.hpp"

namespace mlstm::rt {

// What the panel draws: a copy the tick's thread publishes every few tens of milliseconds.
struct AnswerSummary {
  std::uint64_t index = 0;
  double inference_ms = 0;
  bool ready_in_time = false, late = false, chained = false;
  int width = 0;
};
struct PerformerView {
  std::int64_t now = -1;               // the frame it was taken at; -1 before the first
  std::vector<PlannedNote> player;     // the last ~12 s; a held note has end -1
  std::vector<PlannedNote> model;      // scheduled notes, those ahead of `now` included
  std::vector<AnswerSummary> answers;  // the last 16, oldest first
  const char* state = "listening";     // listening, waiting for the model, answering
  std::optional<music::Scale> key;     // the key heard in the player's notes, once there is one
  std::optional<PlayerBeat> beat;      // the player's beat, once heard
  int beats_per_bar = 4;
  std::optional<BeatGrid> grid;  // the grid an answer would be drawn to now (groove), if any
};

class Performer {
 public:
  Performer(AudioEngine& engine, InputRouter::ListenerQueue& player, InferenceWorker& worker,
            JamKnobs& knobs, const PerformerOptions& options);

  // A second source of the player's events (the panel's keyboard); before the first tick.
  void add_player_source(InputRouter::ListenerQueue& queue) { players_.push_back(&queue); }
  // The host's transport, when a host drives the jam (core/jam_core.hpp): while it plays, its beat
  // is the jam's, before MIDI clock in's. Before the first tick.
  void set_host_transport(const TransportShare* transport) { tempo_.set_host_transport(transport); }
  // The jam's beat as of the last tick, whichever source gives it (any thread): what an Ableton
  // Link session the jam leads follows (link/link_session.hpp).
  const TransportShare& jam_beat() const { return beat_out_; }
  // Where the keys bound by MIDI learn are published for the input routers; before the first
  // tick.
  void set_control_keys(ControlKeys* keys) { controls_.set_control_keys(keys); }

  // MIDI learn: the next controller the player moves is bound to `target` (a knob a controller
  // can set, or answer-now, stop-answer, next-mode), replacing what it controlled; said in a
  // line. Any thread. Returns an empty string, or why `target` cannot be learned.
  std::string learn(const std::string& target) { return controls_.learn(target); }
  // What MIDI learn is waiting to bind, or empty (any thread).
  std::string learning() const { return controls_.learning(); }

  // The key the jam hears the player in, once it has heard enough (the tick's thread).
  std::optional<music::Scale> key() const { return listener_.key(); }
  // The player's beat, once heard (the tick's thread).
  std::optional<PlayerBeat> beat() const { return tempo_.beat(); }

  // Reads the player's events, answers, chains, yields. Call often (real time: every ~2 ms;
  // offline: before each block, with `now` the block's first frame).
  void tick(std::int64_t now);

  // Called on the tick's thread: an answer started; a line worth telling the player.
  std::function<void(const AnswerRecord&)> on_answer;
  std::function<void(const std::string&)> on_message;

  const std::deque<AnswerRecord>& answers() const { return answerer_.answers(); }
  const PerformerCounters& counters() const { return counters_; }
  // The model's notes scheduled so far that end after `from` (the tick's thread).
  std::vector<PlannedNote> planned(std::int64_t from) const { return sequencer_.planned(from); }
  // The model voice's channel volume (CC7) a fade comes back to (any thread).
  void set_model_volume(int volume) { model_volume_.store(volume, std::memory_order_relaxed); }

  // The last published view (any thread).
  PerformerView view() const;

  // Nothing to answer or play after `now`: no answer sounding or due, no phrase unanswered, no key
  // held.
  bool idle(std::int64_t now) const;
  // The frame the last scheduled model note ends at (-1 before any).
  std::int64_t answer_end() const { return sequencer_.answer_end(); }
  // The model's events scheduled and not yet handed to the audio thread.
  std::size_t outbox_size() const { return sequencer_.outbox_size(); }

 private:
  void read_player(std::int64_t now, const JamSettings& s);
  void publish_view(std::int64_t now, const JamSettings& s);
  // `frame`: when it was played (the input latency taken off); `heard`: when it sounds.
  void player_note_on(int pitch, int velocity, std::int64_t frame, std::int64_t heard,
                      const JamSettings& s);
  void player_note_off(int pitch, std::int64_t frame, const JamSettings& s);
  bool push(const SynthEvent& e);
  void say(const std::string& line);
  // The player's beat heard afresh in their notes (unless another source rules).
  void update_beat(std::int64_t now);
  // The metronome (the click track's): its beat is the jam's while it runs, unless an external
  // clock rules; its clicks queued on the jam's beat.
  void update_metronome(std::int64_t now, const JamSettings& s);
  // The external beat sources: the host's transport, MIDI clock in (the tempo map's).
  void update_clock_in(std::int64_t now, const JamSettings& s);
  // The tempo map's beat, published for jam_beat().
  void publish_beat(const JamSettings& s);
  // How much earlier MIDI out sends than FluidSynth plays: the out-latency knob in frames.
  std::int64_t out_lead(const JamSettings& s) const;
  // A controller moved, or a bound key went down (`value` its velocity) or up (0): MIDI learn, a
  // bound knob or action. Returns false for a key that is not bound (a note to play).
  bool player_control(int controller, int value, std::int64_t frame, const JamSettings& s,
                      bool key = false);

  AudioEngine& engine_;
  std::vector<InputRouter::ListenerQueue*> players_;
  JamKnobs& knobs_;
  PerformerOptions options_;

  PhraseListener listener_;   // the player's context, phrases, key and recent notes
  ClickTrack clicks_;         // the metronome and MIDI clock out
  ControlSurface controls_;   // MIDI learn, bound controllers and keys
  TempoMap tempo_;            // the jam's beat, from its sources
  Sequencer sequencer_;       // the answers as scheduled, handed to the audio thread
  Answerer answerer_;         // requests, speculation, chaining, yield
  std::uint64_t panics_ = 0;  // the engine's count, as last seen
  int program_ = -1;
  PerformerCounters counters_;
  std::int64_t last_view_ = -1;
  mutable std::mutex view_mutex_;
  PerformerView view_;
  std::atomic<int> model_volume_;
  TransportShare beat_out_;
};

}  // namespace mlstm::rt
