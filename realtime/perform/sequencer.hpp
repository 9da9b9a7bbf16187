#pragma once
// The performer's sequencer: the model's answers as scheduled, from the moment the answering part
// queues their notes until the audio thread has them. It hands each event to the audio thread a
// little ahead of its frame (kHandAheadSeconds), not whole: an answer in the player's tempo whose
// beat changes while it plays has its notes not handed over yet moved to the new beat, each
// keeping its place in the bar, as FluidSynth's sequencer rescales its queue. With out-latency a
// note goes twice: a heard copy at its frame and a sent copy that much earlier. It keeps the
// model's voice within a bound of notes a second, silences it when the answer yields (at once,
// or fading the channel's volume), drops what a panic dropped, and keeps the piano roll.
//
// Threads: the performer's tick alone.

#include <atomic>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "engine/audio_engine.hpp"
#include "perform/player_beat.hpp"

namespace mlstm::rt {

// The model's notes reach the audio thread this far ahead (or two buffers, if more): the control
// thread wakes every 2 ms, and a busy machine delays it by several; a tempo change reaches the
// answer's notes after this.
inline constexpr double kHandAheadSeconds = 0.1;

struct SequencerOptions {
  int sample_rate = 48000;
  int buffer_frames = 256;
  int model_channel = 1;
  int max_notes_per_second = 48;
};

class Sequencer {
 public:
  // `dropped`: counts the events the audio thread's queue had no room for.
  Sequencer(AudioEngine& engine, const SequencerOptions& options,
            std::atomic<std::uint64_t>& dropped);

  // An event straight to the audio thread (false, counted, when its queue is full).
  bool push(const SynthEvent& e);

  // A new answer (not a chained part): its end is its own notes'.
  void begin_answer() { answer_end_ = -1; }
  // The beat the answer queued next follows while it plays (none: it keeps its frames).
  void follow(const std::optional<PlayerBeat>& beat) { answer_beat_ = beat; }
  // Leaves out of `notes` (sorted by start) those that would start more than the bound's notes
  // within one second of the model's voice; returns how many.
  int bound_rate(std::vector<PlannedNote>& notes);
  // Queues `notes` (their frames), and keeps the piano roll from `keep_from` on.
  void queue(const std::vector<PlannedNote>& notes, std::int64_t keep_from);

  // Hands the audio thread the events due within the hand-ahead of `now`; `lead`, the out-latency
  // in frames (a sent copy that much earlier).
  void hand_over(std::int64_t now, std::int64_t lead);
  // The answer followed `beat`'s predecessor: its notes not handed over move to `beat`. Returns
  // the ratio of the new beat's period to the old when they moved.
  std::optional<double> retime(std::int64_t now, const std::optional<PlayerBeat>& beat);
  // A panic dropped every pending event: so are the answer's others.
  void on_panic(std::int64_t now);
  // The answer yields at `frame`: silence then, or with `fade` after `fade_frames` of the
  // channel's volume (from `volume`) going down; what was not handed over is not played.
  void silence(std::int64_t frame, bool fade, std::int64_t fade_frames, int volume);
  // Whether a silence is still being played (no new answer starts until it has).
  bool silencing() const { return silence_frame_ >= 0; }
  // Once the silence has played, the channel's volume back to `volume`.
  void restore_volume_when_silent(int volume);

  std::int64_t answer_end() const { return answer_end_; }  // the last queued note's end (-1)
  std::int64_t last_start() const { return last_start_; }  // the first note of the last queued
  std::int64_t last_onset() const { return last_onset_; }  // its last note's start
  // The notes queued that end after `from` (the piano roll), and all of them.
  std::vector<PlannedNote> planned(std::int64_t from) const;
  const std::vector<PlannedNote>& planned_notes() const { return planned_; }
  std::size_t outbox_size() const { return outbox_.size(); }

 private:
  std::int64_t hand_ahead() const;

  AudioEngine& engine_;
  SequencerOptions options_;
  std::atomic<std::uint64_t>& dropped_;
  // The model's events not handed over yet, by frame; with out-latency, whether the heard and the
  // sent copy each went.
  struct Outgoing {
    SynthEvent event;
    bool heard = false, sent = false;
  };
  std::deque<Outgoing> outbox_;
  std::optional<PlayerBeat> answer_beat_;  // the beat the queued answer follows (player's tempo)
  std::vector<PlannedNote> planned_;
  std::deque<std::int64_t> recent_onsets_;  // the model voice's note-ons within the last second
  std::int64_t answer_end_ = -1;
  std::int64_t last_onset_ = -1;
  std::int64_t last_start_ = -1;
  std::int64_t silence_frame_ = -1;  // a fade's closing silence; the volume comes back after
};

}  // namespace mlstm::rt
