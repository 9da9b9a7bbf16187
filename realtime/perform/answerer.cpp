#include "perform/answerer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "decode/register_keep.hpp"
#include "midi/fill_context.hpp"
#include "midi/note.hpp"
#include "midi/playability.hpp"
#include "music/key_estimate.hpp"
#include "perform/groove.hpp"

namespace mlstm::rt {
namespace {

double to_ms(std::int64_t frames, int rate) {
  return 1000.0 * static_cast<double>(frames) / rate;
}

// The answer as it will be heard: its span and its largest cluster, from the scheduled frames
// (tempo, re-struck keys and the rate bound already applied).
Playability as_played(const std::vector<PlannedNote>& notes, int rate) {
  Playability p;
  p.notes = static_cast<int>(notes.size());
  if (notes.empty()) return p;
  std::vector<double> onsets;
  onsets.reserve(notes.size());
  for (const PlannedNote& n : notes) onsets.push_back(static_cast<double>(n.start) / rate);
  std::sort(onsets.begin(), onsets.end());
  p.span_seconds = onsets.back() - onsets.front();
  p.largest_cluster = largest_cluster(onsets);
  return p;
}

// Why continuous mode cannot go on from an answer heard as `p`; empty when it can. An answer
// shorter than a second (a single note included) would be chained again at once, and again: the
// runaway this guards against.
std::string unchainable(const Playability& p, std::uint64_t index) {
  char line[240];
  if (p.largest_cluster > kMaxPlayableCluster) {
    std::snprintf(line, sizeof line,
                  "answer %llu starts %d notes together, more than two hands can play: continuous "
                  "mode does not go on from it; listening (a lower cluster knob helps)",
                  static_cast<unsigned long long>(index), p.largest_cluster);
    return line;
  }
  if (p.span_seconds < kMinAnswerSpanSeconds) {
    std::snprintf(line, sizeof line,
                  "answer %llu lasts %.2f s from its first note to its last (%d notes): continuous "
                  "mode goes on only from an answer of at least %.0f s; listening (a longer "
                  "length helps)",
                  static_cast<unsigned long long>(index), p.span_seconds, p.notes,
                  kMinAnswerSpanSeconds);
    return line;
  }
  return {};
}

}  // namespace

Answerer::Answerer(const PhraseListener& listener, const TempoMap& tempo, Sequencer& sequencer,
                   InferenceWorker& worker, const PerformerOptions& options,
                   PerformerCounters& counters, const std::atomic<int>& model_volume,
                   AnswererCalls calls)
    : listener_(listener),
      tempo_(tempo),
      sequencer_(sequencer),
      worker_(worker),
      options_(options),
      counters_(counters),
      model_volume_(model_volume),
      calls_(std::move(calls)),
      model_context_(options.sample_rate, static_cast<std::size_t>(options.context_notes)) {}

void Answerer::tick(std::int64_t now, const JamSettings& s) {
  switch (state_) {
    case State::kListening:
      // One buffer ahead (and the out-latency: MIDI out sends that much earlier): the answer is
      // queued before its first note is due, so it starts at the gap's end exactly; a note
      // played in that buffer still makes it yield unheard.
      if (s.mode != JamMode::kListenOnly && listener_.context().size() > 0 &&
          listener_.context().held() == 0 && listener_.version() != answered_version_ &&
          now + options_.buffer_frames +
                  to_frames(s.out_latency_ms / 1000.0, options_.sample_rate) >=
              listener_.context().last_activity() +
                  to_frames(s.gap_seconds, options_.sample_rate)) {
        on_phrase_end(now, s);
      }
      break;
    case State::kWaiting:
      try_start_waiting(now, s);
      break;
    case State::kAnswering:
      if (s.mode == JamMode::kContinuous) {
        try_chain(now, s);
      } else if (now >= sequencer_.answer_end()) {
        state_ = State::kListening;
      }
      break;
  }
}

void Answerer::on_player_played(std::int64_t heard, const JamSettings& s) {
  if (state_ == State::kAnswering && heard < sequencer_.answer_end()) {
    yield(heard, s);
  }
  // Whatever the model was doing or about to do, the player has the word now.
  state_ = State::kListening;
  chain_request_ = 0;
}

void Answerer::on_player_released(std::int64_t frame, const JamSettings& s) {
  if (s.speculate && s.mode != JamMode::kListenOnly && listener_.context().held() == 0) {
    request_player_answer(frame, frame, s);
  }
}

void Answerer::retime(std::int64_t now) {
  const std::optional<double> ratio = sequencer_.retime(now, tempo_.beat());
  if (!ratio) return;
  // The chain goes on from its notes as the model wrote them: their times as played, over the
  // scale they are played at now.
  last_time_scale_ *= *ratio;
  model_context_.clear();
  for (const PlannedNote& n : sequencer_.planned_notes()) {
    if (n.start >= chain_start_) model_context_.add(n.pitch, n.velocity, n.start, n.end);
  }
}

void Answerer::on_panic(std::int64_t now) {
  sequencer_.on_panic(now);
  state_ = State::kListening;
  chain_request_ = 0;
  answered_version_ = listener_.version();
}

void Answerer::answer_now(std::int64_t now, const JamSettings& s) {
  // Whatever the gap: the phrase ends here, and the answer comes as soon as it is ready (on the
  // beat or bar line, with those entries).
  if (s.mode == JamMode::kListenOnly || listener_.context().size() == 0 ||
      state_ != State::kListening) {
    return;
  }
  calls_.hear_beat(now);
  // The phrase ended with its last note (now, if a key is still held); the answer is due now.
  phrase_end_ = listener_.context().held() > 0 ? now : listener_.context().last_activity();
  entry_from_ = now;
  gap_end_ = tempo_.entry_frame(entry_from_, s);
  wait_for_answer(now, now, s);
}

void Answerer::stop_answer(std::int64_t frame, const JamSettings& s) {
  if (state_ == State::kAnswering && frame < sequencer_.answer_end()) {
    JamSettings stop = s;
    stop.yield = YieldMode::kStop;
    yield(frame, stop);
  }
  // The model listens until the player plays again (continuous mode does not go on).
  state_ = State::kListening;
  chain_request_ = 0;
  answered_version_ = listener_.version();
}

namespace {

// `context` as the model should hear it: its times divided by `scale`.
std::vector<NoteFeatures> heard_at(std::vector<NoteFeatures> context, double scale) {
  if (scale == 1.0) return context;
  for (NoteFeatures& n : context) {
    n.step /= scale;
    n.duration /= scale;
  }
  return context;
}

// Whether an answer searched with `asked` has the notes one searched with `now` would have: the
// same search but for the tempo it is played at, within half a percent. A MIDI clock's fitted
// tempo wobbles in its last digits from one pulse to the next (140.0018 against 139.9999 bpm),
// and the tempo reaches the notes only through the timing limits of the search and the phrase's
// times as the model hears them, which that moves by far less than a step of the model's time
// grid; the answer is played at the tempo of the moment it is scheduled. A real change of tempo
// (the sequencer re-times at a fifth of a percent) is more than that, and is searched again.
bool same_notes(SearchSettings asked, const SearchSettings& now) {
  constexpr double kTempoTolerance = 0.005;
  if (std::abs(asked.time_scale / now.time_scale - 1.0) > kTempoTolerance) return false;
  asked.time_scale = now.time_scale;
  return asked == now;
}

}  // namespace

std::uint16_t Answerer::allowed_pitch_classes(const JamSettings& s) const {
  switch (s.scale_lock) {
    case ScaleLock::kOff:
      return kAllPitchClasses;
    case ScaleLock::kScale:
      return s.scale.pitch_classes();
    case ScaleLock::kKey:
      // Until the jam has heard enough to tell the key, nothing is locked out.
      return listener_.key() ? music::lock_scale(*listener_.key()).pitch_classes()
                             : kAllPitchClasses;
  }
  return kAllPitchClasses;
}

SearchSettings Answerer::search_settings(const JamSettings& s) const {
  SearchSettings ss = s.search;
  ss.pitch_classes = allowed_pitch_classes(s);
  // The answer is played at this scale; the playability limits hold for it as played.
  ss.time_scale = s.search.time_scale * tempo_.tempo_factor(s);
  // The player's pace, as heard, over their last notes without the rests between phrases: every
  // answer and every part of a chain keeps to it (when the pace-ratio knob is on), so a chain
  // that reads its own notes cannot speed up part by part.
  const std::vector<NoteFeatures> played =
      listener_.context().features(listener_.context().last_activity());
  ss.player_pace = phrase_pace(played, s.gap_seconds);
  // And their register, which the answer and every part of a chain keep near (register-keep).
  ss.player_register = phrase_register(played);
  return ss;
}

void Answerer::request_player_answer(std::int64_t frame, std::int64_t now, const JamSettings& s) {
  // With the player's tempo, the model hears the phrase at its own (kModelTempoBpm), and the
  // answer is played back at the player's.
  std::vector<NoteFeatures> context =
      heard_at(fill_context(listener_.context().features(frame),
                            static_cast<std::size_t>(options_.context_notes)),
               tempo_.tempo_factor(s));
  if (context.empty()) return;
  player_request_ = next_id_++;
  player_request_version_ = listener_.version();
  player_request_settings_ = search_settings(s);
  player_requested_at_ = now;
  worker_.submit({player_request_, std::move(context), player_request_settings_});
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
}

void Answerer::on_phrase_end(std::int64_t now, const JamSettings& s) {
  phrase_end_ = listener_.context().last_activity();
  calls_.hear_beat(phrase_end_);
  // When the answer is due: at the gap's end, or the beat or bar line after it.
  entry_from_ = phrase_end_ + to_frames(s.gap_seconds, options_.sample_rate);
  gap_end_ = tempo_.entry_frame(entry_from_, s);
  wait_for_answer(phrase_end_, now, s);
}

void Answerer::wait_for_answer(std::int64_t context_frame, std::int64_t now, const JamSettings& s) {
  answered_version_ = listener_.version();
  // The speculative request is used when nothing that shapes its notes changed since: no note,
  // no knob of the search. Its tempo is not one of those (same_notes()): the answer is played
  // at the tempo of the moment it is scheduled.
  unspeculated_.clear();
  if (player_request_ == 0) {
    unspeculated_ =
        s.speculate ? "no answer was asked for before the phrase ended" : "speculation is off";
  } else if (player_request_version_ != listener_.version()) {
    unspeculated_ = "the player played on after the phrase seemed to end";
  } else if (!same_notes(player_request_settings_, search_settings(s))) {
    unspeculated_ = "a knob of the search changed after the phrase ended";
  }
  if (!unspeculated_.empty()) request_player_answer(context_frame, now, s);
  state_ = State::kWaiting;
  try_start_waiting(now, s);
}

void Answerer::try_start_waiting(std::int64_t now, const JamSettings& s) {
  if (sequencer_.silencing()) return;  // an answer that yielded is still being silenced
  std::optional<Answer> answer = worker_.take(player_request_);
  if (!answer) {
    // Nothing computes it (a request lost to a newer one from continuous mode): ask again.
    if (!worker_.working_on(player_request_)) {
      request_player_answer(phrase_end_, now, s);
    }
    return;
  }
  if (!answer->error.empty()) {
    counters_.failed.fetch_add(1, std::memory_order_relaxed);
    say("the model could not answer this phrase (" + answer->error + "); listening on");
    state_ = State::kListening;
    return;
  }
  // The beat may have moved since the phrase ended (the tempo changed while the model
  // computed): the answer enters on the beat of now, where that is still ahead.
  const std::int64_t entry = tempo_.entry_frame(entry_from_, s);
  if (entry >= now) gap_end_ = entry;
  AnswerRecord record;
  record.phrase_end = phrase_end_;
  record.gap_end = gap_end_;
  record.requested = player_requested_at_;
  record.ready_in_time = now <= gap_end_ + options_.buffer_frames;
  // Ready late, it still enters on a beat (or bar line) when the entry knob asks for one.
  const std::int64_t start = now <= gap_end_ ? gap_end_ : tempo_.entry_frame(now, s);
  record.late = start > gap_end_ + options_.buffer_frames;
  model_context_.clear();
  chain_start_ = start;
  sequencer_.begin_answer();
  // The tempo of now, not of when it was asked for (a clock's fitted tempo moves in its last
  // digits between the two).
  const double time_scale = s.search.time_scale * tempo_.tempo_factor(s);
  schedule(std::move(*answer), start, time_scale, std::move(record), s);
}

void Answerer::request_chain(const JamSettings& s, std::int64_t now) {
  // The model goes on from its own notes as it wrote them, not as the tempo knobs played them
  // (else each part would be scaled again), and from the player's last notes as it heard them
  // (chain_context(): a chain that read only its own notes wandered off from the player).
  const auto notes = static_cast<std::size_t>(options_.context_notes);
  const std::vector<NoteFeatures> player = heard_at(
      listener_.context().features(listener_.context().last_activity()), tempo_.tempo_factor(s));
  const std::vector<NoteFeatures> chain =
      heard_at(model_context_.features(sequencer_.answer_end()), last_time_scale_);
  if (chain.empty()) return;
  std::vector<NoteFeatures> context = fill_context(chain_context(player, chain, notes), notes);
  chain_request_ = next_id_++;
  chain_requested_at_ = now;
  worker_.submit({chain_request_, std::move(context), search_settings(s)});
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
}

void Answerer::try_chain(std::int64_t now, const JamSettings& s) {
  if (sequencer_.silencing()) return;
  if (!chainable_) {
    // Said when it was scheduled; the answer plays out as in call-and-response.
    if (now >= sequencer_.answer_end()) state_ = State::kListening;
    return;
  }
  // Ask for the next part once the part playing has started and has nearly played out: early
  // enough to compute it (twice the last inference time, at least two seconds ahead of its last
  // note), no earlier. One part ahead at most: the answer stays interruptible, the store small.
  const double inference_s = counters_.last_inference_ms.load(std::memory_order_relaxed) / 1000.0;
  const std::int64_t lead = to_frames(std::max(2.0, 2.0 * inference_s), options_.sample_rate);
  if (chain_request_ == 0) {
    if (now >= sequencer_.last_start() && now >= sequencer_.last_onset() - lead) {
      request_chain(s, now);
    }
    return;
  }
  std::optional<Answer> answer = worker_.take(chain_request_);
  if (!answer) {
    if (!worker_.working_on(chain_request_)) chain_request_ = 0;  // asked again next tick
    return;
  }
  chain_request_ = 0;
  if (!answer->error.empty() || answer->notes.empty()) {
    counters_.failed.fetch_add(1, std::memory_order_relaxed);
    say("the model could not go on (" + answer->error + "); listening");
    state_ = State::kListening;
    return;
  }
  const double time_scale = answer->settings.time_scale;
  const std::int64_t due = sequencer_.last_onset() +
                           to_frames(answer->notes.front().step * time_scale, options_.sample_rate);
  AnswerRecord record;
  record.chained = true;
  record.gap_end = due;
  record.requested = chain_requested_at_;
  record.ready_in_time = now <= due;
  record.late = now > due + options_.buffer_frames;
  schedule(std::move(*answer), std::max(due, now), time_scale, std::move(record), s);
}

void Answerer::schedule(Answer answer, std::int64_t first_onset, double time_scale,
                        AnswerRecord record, const JamSettings& s) {
  record.time_scale = time_scale;
  record.beat = tempo_.beat();
  last_time_scale_ = time_scale;
  // In the player's tempo, it follows the jam's beat while it plays (retime()).
  sequencer_.follow(s.answer_tempo == AnswerTempo::kPlayer ? tempo_.beat() : std::nullopt);
  const int rate = options_.sample_rate;
  std::vector<PlannedNote> notes;
  notes.reserve(answer.notes.size());
  std::int64_t onset = first_onset;
  for (std::size_t i = 0; i < answer.notes.size(); ++i) {
    const NoteFeatures& n = answer.notes[i];
    if (i > 0) onset += to_frames(std::max(0.0, n.step) * time_scale, rate);
    const std::int64_t length = std::max<std::int64_t>(1, to_frames(n.duration * time_scale, rate));
    const int velocity =
        std::clamp(static_cast<int>(std::lround(n.velocity * s.velocity_scale)), 1, 127);
    notes.push_back({std::clamp(n.pitch, 0, 127), velocity, onset, onset + length});
  }
  // On the beat's grid (the groove knob; groove.hpp says when).
  if (const std::optional<BeatGrid> grid = answer_grid(s, record.beat, listener_.recent())) {
    draw_to_grid(notes, *record.beat, *grid, s.groove, rate);
    record.grid = grid->name();
  }
  // A key struck again while it still sounds is released first (one key, one sound); the same
  // key struck twice at one frame is one note.
  for (std::size_t i = 0; i < notes.size(); ++i) {
    for (std::size_t j = i + 1; j < notes.size(); ++j) {
      if (notes[j].pitch == notes[i].pitch && notes[j].start < notes[i].end) {
        notes[i].end = notes[j].start;
        break;
      }
    }
  }
  std::erase_if(notes, [](const PlannedNote& n) { return n.end <= n.start; });

  // Continuous mode never goes on from an answer a pianist could not play; a chained part like
  // that is not played at all (the player's own answer is: it was asked for).
  const std::uint64_t index = counters_.answers.load(std::memory_order_relaxed) + 1;
  const std::string why = unchainable(as_played(notes, rate), index);
  if (!why.empty() && (record.chained || s.mode == JamMode::kContinuous)) {
    counters_.unchained.fetch_add(1, std::memory_order_relaxed);
    if (record.chained) {
      say(why + "; it was not played");
      chainable_ = false;  // the part playing ends the chain (try_chain)
      return;
    }
    say(why);
  }
  chainable_ = why.empty();

  record.dropped_notes = sequencer_.bound_rate(notes);
  if (record.dropped_notes > 0) {
    counters_.rate_limited_notes.fetch_add(static_cast<std::uint64_t>(record.dropped_notes),
                                           std::memory_order_relaxed);
    char line[200];
    std::snprintf(line, sizeof line,
                  "answer %llu: %d of its %zu notes left out: the model's voice starts at most %d "
                  "notes in any second",
                  static_cast<unsigned long long>(index), record.dropped_notes,
                  notes.size() + static_cast<std::size_t>(record.dropped_notes),
                  options_.max_notes_per_second);
    say(line);
  }

  // Handed to the audio thread a little ahead of each note; the piano roll keeps ten seconds
  // behind the new answer.
  for (const PlannedNote& n : notes) model_context_.add(n.pitch, n.velocity, n.start, n.end);
  sequencer_.queue(notes, first_onset - to_frames(10.0, rate));

  record.index = counters_.answers.fetch_add(1, std::memory_order_relaxed) + 1;
  record.start = notes.empty() ? first_onset : notes.front().start;
  record.mode_program = s.model_program;
  record.answer = std::move(answer);
  counters_.last_inference_ms.store(record.answer.seconds * 1000.0, std::memory_order_relaxed);
  if (record.ready_in_time) counters_.ready_in_time.fetch_add(1, std::memory_order_relaxed);
  if (record.late) {
    counters_.late.fetch_add(1, std::memory_order_relaxed);
    char line[360];
    if (record.chained) {
      std::snprintf(line, sizeof line,
                    "answer %llu (continuous) started %.0f ms late: asked %.0f ms before it was "
                    "due, the model took %.0f ms (width %d); a smaller width helps",
                    static_cast<unsigned long long>(record.index),
                    to_ms(record.start - record.gap_end, rate),
                    to_ms(record.gap_end - record.requested, rate), record.answer.seconds * 1000.0,
                    record.answer.settings.width);
    } else {
      // The true cause: asked for only at the phrase's end (and why), or asked for in time and
      // still not ready (the model's time).
      const double asked_ms = to_ms(record.gap_end - record.requested, rate);
      const std::string asked = unspeculated_.empty()
                                    ? std::string("asked for")
                                    : "asked for only at the phrase's end (" + unspeculated_ + "),";
      std::snprintf(
          line, sizeof line,
          "answer %llu started %.0f ms late: %s %.0f ms before it was due, and the "
          "model took %.0f ms (width %d); %s",
          static_cast<unsigned long long>(record.index), to_ms(record.start - record.gap_end, rate),
          asked.c_str(), asked_ms, record.answer.seconds * 1000.0, record.answer.settings.width,
          unspeculated_.empty() ? "a smaller width or a longer gap helps" : "a longer gap helps");
    }
    say(line);
  }
  state_ = State::kAnswering;
  answers_.push_back(std::move(record));
  if (calls_.answered) calls_.answered(answers_.back());
  while (answers_.size() > options_.history) answers_.pop_front();
}

void Answerer::yield(std::int64_t frame, const JamSettings& s) {
  counters_.yields.fetch_add(1, std::memory_order_relaxed);
  sequencer_.silence(frame, s.yield == YieldMode::kFade,
                     to_frames(s.fade_seconds, options_.sample_rate),
                     model_volume_.load(std::memory_order_relaxed));
}

bool Answerer::idle(std::int64_t now, JamMode mode) const {
  const bool unanswered = listener_.version() != answered_version_ &&
                          listener_.context().size() > 0 && mode != JamMode::kListenOnly;
  return state_ == State::kListening && now >= sequencer_.answer_end() && !unanswered &&
         listener_.context().held() == 0;
}

const char* Answerer::state_name() const {
  return state_ == State::kListening ? "listening"
         : state_ == State::kWaiting ? "waiting for the model"
                                     : "answering";
}

void Answerer::say(const std::string& line) {
  if (calls_.say) calls_.say(line);
}

}  // namespace mlstm::rt
