#pragma once
// The performer: listens to the player, decides when the model answers, and schedules the answer
// in audio-frame time on the model's channel. It runs on the control thread in real time (every
// couple of milliseconds) or once per block in the offline loop; it never waits on the model.
//
//  - The player's events come from the input router's listener queue, stamped with the frame
//    they sound at. The context is the player's last notes; a held note counts with its duration
//    so far.
//  - Speculation: when the player releases the last key, a continuation of the context so far is
//    requested at once; a newer request replaces it. When the gap passes (the phrase ended) the
//    answer is usually ready and starts at the phrase end.
//  - An answer that is not ready by then starts when it is ready (late: counted and said); one
//    that fails is skipped (said). Audio never waits for it.
//  - The player playing over an answer makes it yield: stop at once, or fade out.
//  - Continuous mode chains continuations from the model's own last notes until the player
//    plays again. It cannot run away: the next part is asked for only once the part playing has
//    started and nearly played out, an answer a pianist could not play (shorter than a second, or
//    a cluster no two hands can strike: see midi/playability.hpp) is never chained, and the
//    notes the model's voice starts in any second are bounded (a line says when that acts).
//  - An answer is handed to the audio thread a little at a time, kHandAheadSeconds ahead of its
//    notes, not whole: a note not handed over yet can still be re-timed. An answer in the
//    player's tempo (answer-tempo player) follows a change of the jam's beat (MIDI clock in, the
//    metronome's tempo) while it plays: its notes ahead keep their places in the bar.
//  - The jam's beat is MIDI clock in's while a clock runs, else the metronome's while it is on,
//    else the one heard in the player's notes.
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
#include "perform/click_track.hpp"
#include "perform/control_surface.hpp"
#include "perform/inference_worker.hpp"
#include "perform/jam_settings.hpp"
#include "perform/note_context.hpp"
#include "perform/phrase_listener.hpp"
#include "perform/player_beat.hpp"
#include "perform/sequencer.hpp"
#include "perform/tempo_map.hpp"

namespace mlstm::rt {

// Twice the real music's busiest second would be about 62 notes (MAESTRO's 10 s windows reach 62
// events a second, note-ons and note-offs together, i.e. 31 notes); 48 leaves a virtuoso passage
// its notes and stops a runaway long before it floods anything.
inline constexpr int kMaxModelNotesPerSecond = 48;

struct PerformerOptions {
  int sample_rate = 48000;
  int model_channel = 1;
  int model_volume = 100;  // CC7 of the model's voice, restored after a fade
  int context_notes = 10;  // what the model reads
  // The model learnt durations as heard under the sustain pedal: the player's notes are read so
  // too (CC64 at 64 or more holds released notes; a controller bound by MIDI learn is not a pedal).
  bool sustain_pedal = false;
  int buffer_frames = 256;  // an answer starting within the gap plus this is on time
  // The most notes the model's voice starts in any one second. The decoder's own limits (a
  // cluster of 8 plus 34 notes a second) stay under it; this is the performer's own guard, so that
  // no model, knob or bug can flood the synthesizer.
  int max_notes_per_second = kMaxModelNotesPerSecond;
  std::size_t history = 256;  // answers kept for the panel and the log
};

// One answer, as it was asked for and played.
struct AnswerRecord {
  std::uint64_t index = 0;         // 1, 2, ... in the order they started
  bool chained = false;            // continuous mode: from the model's own notes
  std::int64_t phrase_end = -1;    // the player's last note-off (-1 when chained)
  std::int64_t gap_end = -1;       // phrase_end + the gap: when the answer was due
  std::int64_t start = -1;         // the frame of its first note
  bool ready_in_time = false;      // computed before it was due (speculation paid off)
  bool late = false;               // started after gap_end plus one buffer
  std::int64_t requested = -1;     // chained: the frame the part was asked for
  int dropped_notes = 0;           // left out by the bound on the model's notes a second
  double time_scale = 1.0;         // the answer's times were multiplied by this (the tempo knobs)
  std::optional<PlayerBeat> beat;  // the player's beat as the jam heard it then
  Answer answer;                   // context, settings, notes, inference time
  int mode_program = 0;
};

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
};

// Counts other threads may read (the panel, the final report).
struct PerformerCounters {
  std::atomic<std::uint64_t> answers{0}, late{0}, failed{0}, yields{0}, ready_in_time{0};
  std::atomic<std::uint64_t> requests{0}, dropped_events{0};
  // Continuous mode stopped at an answer it could not go on from; notes the rate bound left out.
  std::atomic<std::uint64_t> unchained{0}, rate_limited_notes{0};
  std::atomic<double> last_inference_ms{0};
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

  const std::deque<AnswerRecord>& answers() const { return answers_; }
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
  enum class State { kListening, kWaiting, kAnswering };

  void read_player(std::int64_t now, const JamSettings& s);
  void publish_view(std::int64_t now, const JamSettings& s);
  // `frame`: when it was played (the input latency taken off); `heard`: when it sounds.
  void player_note_on(int pitch, int velocity, std::int64_t frame, std::int64_t heard,
                      const JamSettings& s);
  void player_note_off(int pitch, std::int64_t frame, const JamSettings& s);
  // A request for the player's context as it is at `frame` with the knobs' settings.
  void request_player_answer(std::int64_t frame, const JamSettings& s);
  void request_chain(const JamSettings& s, std::int64_t now);
  void on_phrase_end(std::int64_t now, const JamSettings& s);
  // The phrase is answered (gap_end_ set): with the speculative answer when it is still good,
  // else with one asked for the context at `context_frame`.
  void wait_for_answer(std::int64_t context_frame, std::int64_t now, const JamSettings& s);
  void try_start_waiting(std::int64_t now, const JamSettings& s);
  void try_chain(std::int64_t now, const JamSettings& s);
  // Schedules `answer`'s notes: the first at `first_onset`.
  void schedule(Answer answer, std::int64_t first_onset, double time_scale, AnswerRecord record,
                const JamSettings& s);
  // Continuous mode ends at `record`'s answer: it cannot be gone on from (said once).
  void stop_chain(const AnswerRecord& record, const char* why);
  void yield(std::int64_t frame, const JamSettings& s);
  bool push(const SynthEvent& e);
  void say(const std::string& line);
  // The knobs' search settings, with the pitch classes of the scale lock.
  SearchSettings search_settings(const JamSettings& s) const;
  std::uint16_t allowed_pitch_classes(const JamSettings& s) const;
  // The player's beat heard afresh in their notes (unless another source rules).
  void update_beat(std::int64_t now);
  // The metronome (the click track's): its beat is the jam's while it runs, unless an external
  // clock rules; its clicks queued on the jam's beat.
  void update_metronome(std::int64_t now, const JamSettings& s);
  // The external beat sources: the host's transport, MIDI clock in (the tempo map's).
  void update_clock_in(std::int64_t now, const JamSettings& s);
  // How much earlier MIDI out sends than FluidSynth plays: the out-latency knob in frames.
  std::int64_t out_lead(const JamSettings& s) const;
  // An answer in the player's tempo whose beat changed: its notes not yet handed over move to
  // the new beat, keeping their places in the bar.
  void retime(std::int64_t now);
  // A panic (from any front end) dropped every pending event: so are the answer's others.
  void on_panic(std::int64_t now);
  // A controller moved, or a bound key went down (`value` its velocity) or up (0): MIDI learn, a
  // bound knob or action. Returns false for a key that is not bound (a note to play).
  bool player_control(int controller, int value, std::int64_t frame, const JamSettings& s,
                      bool key = false);
  // The actions a controller can trigger.
  void answer_now(std::int64_t now, const JamSettings& s);
  void stop_answer(std::int64_t frame, const JamSettings& s);

  AudioEngine& engine_;
  std::vector<InputRouter::ListenerQueue*> players_;
  InferenceWorker& worker_;
  JamKnobs& knobs_;
  PerformerOptions options_;

  PhraseListener listener_;  // the player's context, phrases, key and recent notes
  NoteContext model_context_;
  double last_time_scale_ = 1.0;  // the time scale of the answer scheduled last
  ClickTrack clicks_;             // the metronome and MIDI clock out
  ControlSurface controls_;       // MIDI learn, bound controllers and keys
  TempoMap tempo_;                // the jam's beat, from its sources
  Sequencer sequencer_;           // the answers as scheduled, handed to the audio thread
  State state_ = State::kListening;
  std::uint64_t next_id_ = 1;

  // The latest request for the player's context: its id, the context version and settings.
  std::uint64_t player_request_ = 0;
  std::uint64_t player_request_version_ = 0;
  SearchSettings player_request_settings_;
  std::uint64_t answered_version_ = 0;  // the context version last answered

  // The phrase being answered (kWaiting).
  std::int64_t phrase_end_ = -1, gap_end_ = -1;

  // Continuous mode: the chained request and where its first note goes.
  std::uint64_t chain_request_ = 0;
  std::int64_t chain_requested_at_ = -1;
  bool chainable_ = false;  // that answer can be gone on from

  std::int64_t chain_start_ = -1;  // the first note of the answer a chain goes on from
  std::uint64_t panics_ = 0;       // the engine's count, as last seen
  int program_ = -1;
  std::deque<AnswerRecord> answers_;
  PerformerCounters counters_;
  std::int64_t last_view_ = -1;
  mutable std::mutex view_mutex_;
  PerformerView view_;
  std::atomic<int> model_volume_;
};

}  // namespace mlstm::rt
