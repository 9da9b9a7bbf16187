#include "perform/performer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "decode/register_keep.hpp"
#include "midi/fill_context.hpp"
#include "midi/note.hpp"
#include "midi/playability.hpp"
#include "music/beat_estimate.hpp"
#include "music/key_estimate.hpp"

namespace mlstm::rt {

Performer::Performer(AudioEngine& engine, InputRouter::ListenerQueue& player,
                     InferenceWorker& worker, JamKnobs& knobs, const PerformerOptions& options)
    : engine_(engine),
      players_{&player},
      knobs_(knobs),
      options_(options),
      listener_(options.sample_rate, options.context_notes),
      clicks_(options.sample_rate, options.buffer_frames, [this](const SynthEvent& e) { push(e); }),
      controls_(knobs),
      tempo_(options.sample_rate),
      sequencer_(engine,
                 {.sample_rate = options.sample_rate,
                  .buffer_frames = options.buffer_frames,
                  .model_channel = options.model_channel,
                  .max_notes_per_second = options.max_notes_per_second},
                 counters_.dropped_events),
      answerer_(listener_, tempo_, sequencer_, worker, options_, counters_, model_volume_,
                {.hear_beat = [this](std::int64_t frame) { update_beat(frame); },
                 .say = [this](const std::string& line) { say(line); },
                 .answered =
                     [this](const AnswerRecord& r) {
                       if (on_answer) on_answer(r);
                     }}),
      panics_(engine.counters().panics.load(std::memory_order_relaxed)),
      model_volume_(options.model_volume) {}

void Performer::tick(std::int64_t now) {
  // One snapshot of the knobs for the whole tick: a knob turned meanwhile (the panel, a control
  // line, a controller read below) takes effect at the next tick, never halfway through this one.
  const JamSettings s = knobs_.load();
  read_player(now, s);
  sequencer_.restore_volume_when_silent(model_volume_.load(std::memory_order_relaxed));
  if (s.model_program != program_) {
    push(program(Voice::kModel, options_.model_channel, s.model_program));
    program_ = s.model_program;
  }
  if (const auto panics = engine_.counters().panics.load(std::memory_order_relaxed);
      panics != panics_) {
    panics_ = panics;
    answerer_.on_panic(now);
  }
  controls_.publish_keys(s);
  update_clock_in(now, s);
  update_metronome(now, s);
  // Sent the out-latency early, like the model's notes, so a device behind MIDI out keeps the
  // beat that is heard.
  clicks_.update_clock_out(now, s, tempo_.beat(), out_lead(s));
  publish_beat(s);
  answerer_.retime(now);
  publish_view(now, s);
  answerer_.tick(now, s);
  sequencer_.hand_over(now, out_lead(s));
}

void Performer::read_player(std::int64_t, const JamSettings& s) {
  // The input's latency taken off: the jam times the player by when they played.
  const std::int64_t latency = to_frames(s.in_latency_ms / 1000.0, options_.sample_rate);
  SynthEvent e;
  for (InputRouter::ListenerQueue* queue : players_) {
    while (queue->try_pop(e)) {
      const std::int64_t played = e.frame - latency;
      // A key bound by MIDI learn (or the key MIDI learn waits for) is a control, not a note.
      if ((e.kind == EventKind::kNoteOn || e.kind == EventKind::kNoteOff) &&
          player_control(e.data1, e.kind == EventKind::kNoteOn ? e.data2 : 0, e.frame, s, true)) {
        continue;
      }
      if (e.kind == EventKind::kNoteOn) {
        player_note_on(e.data1, e.data2, played, e.frame, s);
      } else if (e.kind == EventKind::kNoteOff) {
        player_note_off(e.data1, played, s);
      } else if (e.kind == EventKind::kControl) {
        if (!player_control(e.data1, e.data2, e.frame, s) && e.data1 == kSustainPedal &&
            options_.sustain_pedal) {
          listener_.pedal(switch_pressed(e.data2), played);
        }
      } else if (e.kind == EventKind::kClock) {
        tempo_.on_clock(e.data1, played);
      }
    }
  }
}

void Performer::update_clock_in(std::int64_t now, const JamSettings& s) {
  bool stopped = false;
  const std::string line = tempo_.update_external(now, s, stopped);
  if (stopped) clicks_.restart_metronome();
  if (!line.empty()) say(line);
}

std::int64_t Performer::out_lead(const JamSettings& s) const {
  return to_frames(s.out_latency_ms / 1000.0, options_.sample_rate);
}

void Performer::publish_view(std::int64_t now, const JamSettings& s) {
  // About 50 times a second: the panel draws at most that often.
  if (last_view_ >= 0 && now - last_view_ < options_.sample_rate / 50) return;
  last_view_ = now;
  const std::int64_t from = now - to_frames(12.0, options_.sample_rate);
  listener_.forget_before(from);
  std::lock_guard lock(view_mutex_);
  view_.now = now;
  view_.player.assign(listener_.recent().begin(), listener_.recent().end());
  view_.model = sequencer_.planned(from);
  view_.answers.clear();
  const std::deque<AnswerRecord>& answers = answerer_.answers();
  const std::size_t first = answers.size() > 16 ? answers.size() - 16 : 0;
  for (std::size_t i = first; i < answers.size(); ++i) {
    const AnswerRecord& r = answers[i];
    view_.answers.push_back({r.index, r.answer.seconds * 1000.0, r.ready_in_time, r.late, r.chained,
                             r.answer.settings.width});
  }
  view_.key = listener_.key();
  view_.beat = tempo_.beat();
  view_.beats_per_bar = s.beats_per_bar;
  view_.grid = answer_grid(s, view_.beat, listener_.recent());
  view_.state = answerer_.state_name();
}

PerformerView Performer::view() const {
  std::lock_guard lock(view_mutex_);
  return view_;
}

void Performer::player_note_on(int pitch, int velocity, std::int64_t frame, std::int64_t heard,
                               const JamSettings& s) {
  listener_.note_on(pitch, velocity, frame, to_frames(s.gap_seconds, options_.sample_rate));
  answerer_.on_player_played(heard, s);
}

void Performer::player_note_off(int pitch, std::int64_t frame, const JamSettings& s) {
  listener_.note_off(pitch, frame);
  const NoteContext& played = listener_.context();
  // Every kBeatUpdateSeconds while they play, and whenever the last key is released: the
  // speculative request below then hears the beat the phrase's end will.
  if (tempo_.player_beat_due(frame, played.held() == 0)) update_beat(frame);
  answerer_.on_player_released(frame, s);
}

bool Performer::player_control(int controller, int value, std::int64_t frame, const JamSettings& s,
                               bool key) {
  const ControlResult r = controls_.on_control(controller, value, key, s);
  if (!r.line.empty()) say(r.line);
  if (r.action == ControlAction::kAnswerNow) answerer_.answer_now(frame, s);
  if (r.action == ControlAction::kStopAnswer) answerer_.stop_answer(frame, s);
  return r.handled;
}

void Performer::update_metronome(std::int64_t now, const JamSettings& s) {
  const bool was_running = clicks_.metronome_running();
  const std::optional<PlayerBeat> metronome = clicks_.update_metronome(now, s);
  tempo_.set_metronome(metronome, was_running);
  // On the jam's beat: the metronome's own, or an external clock's while that rules.
  if (metronome) clicks_.queue_clicks(now, s, *tempo_.beat());
}

void Performer::update_beat(std::int64_t now) {
  tempo_.hear_player(now, listener_.recent(), listener_.phrase_start(),
                     clicks_.metronome_running());
}

bool Performer::push(const SynthEvent& e) {
  return sequencer_.push(e);
}

void Performer::publish_beat(const JamSettings& s) {
  std::optional<TransportBeat> out;
  if (const std::optional<PlayerBeat>& b = tempo_.beat(); b && b->period > 0) {
    TransportBeat t;
    t.period = b->period;
    t.phase = b->phase;
    t.bar = std::llround(b->anchor());
    t.bpm = b->bpm;
    t.beats_per_bar = b->bar_beats > 0 ? b->bar_beats : s.beats_per_bar;
    t.source =
        std::string_view(b->source) == "link" ? TransportSource::kLink : TransportSource::kJam;
    out = t;
  }
  beat_out_.publish(out);
}

void Performer::say(const std::string& line) {
  if (on_message) on_message(line);
}

bool Performer::idle(std::int64_t now) const {
  return answerer_.idle(now, knobs_.load().mode);
}

}  // namespace mlstm::rt
