#pragma once
// The performer's answering part: when the model answers and with what. It asks the model's
// worker for a continuation of the player's context at every release of the last key
// (speculation: a newer request replaces the older), takes the answer when the phrase ends (the
// gap passed, or answer-now), enters it on the tempo map's beat or bar when asked, lays its notes
// out in frames at the answer's tempo and hands them to the sequencer; in continuous mode it
// chains the next part from the model's own notes (with the player's last ones at their head)
// while the part playing nears its end, and stops at an answer a pianist could not play; when the
// player plays over an answer, it yields. Late and failed answers are counted and said.
//
// It reads the phrase listener and the tempo map, and writes only to the sequencer and the
// worker: a second answering part (another voice) would be a second Answerer on the same parts.
//
// Threads: the performer's tick alone.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "perform/answer_record.hpp"
#include "perform/inference_worker.hpp"
#include "perform/jam_settings.hpp"
#include "perform/note_context.hpp"
#include "perform/phrase_listener.hpp"
#include "perform/sequencer.hpp"
#include "perform/tempo_map.hpp"

namespace mlstm::rt {

// What the answering part calls back into the performer for.
struct AnswererCalls {
  std::function<void(std::int64_t)> hear_beat;        // hear the player's beat afresh at a frame
  std::function<void(const std::string&)> say;        // a line worth telling the player
  std::function<void(const AnswerRecord&)> answered;  // an answer started
};

class Answerer {
 public:
  Answerer(const PhraseListener& listener, const TempoMap& tempo, Sequencer& sequencer,
           InferenceWorker& worker, const PerformerOptions& options, PerformerCounters& counters,
           const std::atomic<int>& model_volume, AnswererCalls calls);

  // Ends the phrase when the gap has passed, starts the answer when it is ready, chains.
  void tick(std::int64_t now, const JamSettings& s);
  // The player played a note heard at `heard`: an answer sounding then yields, and the player has
  // the word.
  void on_player_played(std::int64_t heard, const JamSettings& s);
  // The player released a key at `frame`: with none held, a speculative request.
  void on_player_released(std::int64_t frame, const JamSettings& s);
  // The actions a controller can trigger.
  void answer_now(std::int64_t now, const JamSettings& s);
  void stop_answer(std::int64_t frame, const JamSettings& s);
  // The tempo map's beat may have changed: the sequencer re-times an answer in the player's
  // tempo, and a chain goes on from its notes as they now play.
  void retime(std::int64_t now);
  // A panic dropped every pending event: the model listens.
  void on_panic(std::int64_t now);

  // Nothing to answer or play after `now` (in `mode`).
  bool idle(std::int64_t now, JamMode mode) const;
  // "listening", "waiting for the model", "answering".
  const char* state_name() const;
  const std::deque<AnswerRecord>& answers() const { return answers_; }

 private:
  enum class State { kListening, kWaiting, kAnswering };

  // A request for the player's context as it is at `frame` with the knobs' settings.
  // Asks for an answer to the player's context up to `frame`, at `now`.
  void request_player_answer(std::int64_t frame, std::int64_t now, const JamSettings& s);
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
  void yield(std::int64_t frame, const JamSettings& s);
  void say(const std::string& line);
  // The knobs' search settings, with the pitch classes of the scale lock.
  SearchSettings search_settings(const JamSettings& s) const;
  std::uint16_t allowed_pitch_classes(const JamSettings& s) const;

  const PhraseListener& listener_;
  const TempoMap& tempo_;
  Sequencer& sequencer_;
  InferenceWorker& worker_;
  const PerformerOptions& options_;
  PerformerCounters& counters_;
  const std::atomic<int>& model_volume_;
  AnswererCalls calls_;

  NoteContext model_context_;     // the model's own last notes, as a chain goes on from them
  double last_time_scale_ = 1.0;  // the time scale of the answer scheduled last
  State state_ = State::kListening;
  std::uint64_t next_id_ = 1;
  // The latest request for the player's context: its id, the context version and settings.
  std::uint64_t player_request_ = 0;
  std::uint64_t player_request_version_ = 0;
  SearchSettings player_request_settings_;
  std::int64_t player_requested_at_ = -1;  // when it was asked for
  // Why the phrase's answer was asked for only at its end (the late line says it), or empty.
  std::string unspeculated_;
  std::uint64_t answered_version_ = 0;  // the context version last answered
  // The phrase being answered (kWaiting).
  std::int64_t phrase_end_ = -1, gap_end_ = -1;
  std::int64_t entry_from_ = -1;  // the entry is the beat (or bar line) at or after this
  // Continuous mode: the chained request, when it was asked for, whether the answer playing can
  // be gone on from, and the first note of the answer a chain goes on from.
  std::uint64_t chain_request_ = 0;
  std::int64_t chain_requested_at_ = -1;
  bool chainable_ = false;
  std::int64_t chain_start_ = -1;
  std::deque<AnswerRecord> answers_;
};

}  // namespace mlstm::rt
