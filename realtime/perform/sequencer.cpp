#include "perform/sequencer.hpp"

#include <algorithm>
#include <cmath>

namespace mlstm::rt {

Sequencer::Sequencer(AudioEngine& engine, const SequencerOptions& options,
                     std::atomic<std::uint64_t>& dropped)
    : engine_(engine), options_(options), dropped_(dropped) {}

bool Sequencer::push(const SynthEvent& e) {
  if (engine_.model_input().try_push(e)) return true;
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

std::int64_t Sequencer::hand_ahead() const {
  return std::max<std::int64_t>(to_frames(kHandAheadSeconds, options_.sample_rate),
                                2 * static_cast<std::int64_t>(options_.buffer_frames));
}

int Sequencer::bound_rate(std::vector<PlannedNote>& notes) {
  // A sliding one-second window over the note-ons sent so far, kept sorted (a deque, not a ring:
  // it holds at most the bound's count, and the tick's thread may allocate).
  const std::int64_t second = options_.sample_rate;
  const auto limit = static_cast<std::ptrdiff_t>(std::max(1, options_.max_notes_per_second));
  int dropped = 0;
  std::erase_if(notes, [&](const PlannedNote& n) {
    while (!recent_onsets_.empty() && recent_onsets_.front() <= n.start - second) {
      recent_onsets_.pop_front();
    }
    const auto at = std::upper_bound(recent_onsets_.begin(), recent_onsets_.end(), n.start);
    if (at - recent_onsets_.begin() >= limit) {  // that many already in (start - 1 s, start]
      ++dropped;
      return true;
    }
    recent_onsets_.insert(at, n.start);
    return false;
  });
  return dropped;
}

void Sequencer::queue(const std::vector<PlannedNote>& notes, std::int64_t keep_from) {
  for (const PlannedNote& n : notes) {
    outbox_.push_back(
        {note_on(n.start, Voice::kModel, options_.model_channel, n.pitch, n.velocity)});
    outbox_.push_back({note_off(n.end, Voice::kModel, options_.model_channel, n.pitch)});
    answer_end_ = std::max(answer_end_, n.end);
  }
  // In order of frames; at one frame, in the order above (a re-struck key's release first).
  std::stable_sort(outbox_.begin(), outbox_.end(), [](const Outgoing& a, const Outgoing& b) {
    return a.event.frame < b.event.frame;
  });
  if (!notes.empty()) {
    last_start_ = notes.front().start;
    last_onset_ = notes.back().start;
  }
  std::erase_if(planned_, [&](const PlannedNote& n) { return n.end < keep_from; });
  planned_.insert(planned_.end(), notes.begin(), notes.end());
}

void Sequencer::hand_over(std::int64_t now, std::int64_t lead) {
  const std::int64_t until = now + hand_ahead();
  for (Outgoing& o : outbox_) {
    if (o.event.frame - lead >= until) break;
    if (lead == 0) {
      push(o.event);
      o.heard = o.sent = true;
      continue;
    }
    if (!o.sent) {
      // Never before now: an answer ready later than the lead goes out as soon as it can.
      SynthEvent sent = o.event;
      sent.frame = std::max(now, o.event.frame - lead);
      sent.route = kRouteSend;
      push(sent);
      o.sent = true;
    }
    if (!o.heard && o.event.frame < until) {
      SynthEvent heard = o.event;
      heard.route = kRouteHear;
      push(heard);
      o.heard = true;
    }
  }
  while (!outbox_.empty() && outbox_.front().heard && outbox_.front().sent) outbox_.pop_front();
}

std::optional<double> Sequencer::retime(std::int64_t now, const std::optional<PlayerBeat>& beat) {
  if (!answer_beat_ || !beat) return std::nullopt;
  if (outbox_.empty()) {
    answer_beat_.reset();
    return std::nullopt;
  }
  const PlayerBeat was = *answer_beat_, is = *beat;
  // The beat of the old grid nearest the first frame not handed over, and the new grid's beat
  // nearest that one: the notes keep their places relative to it, at the new tempo.
  const std::int64_t from = now + hand_ahead();
  const double k = std::round((static_cast<double>(from) - was.phase) / was.period);
  const double anchor_was = was.phase + k * was.period;
  const double anchor_is = is.phase + std::round((anchor_was - is.phase) / is.period) * is.period;
  const double ratio = is.period / was.period;
  // Moved when the tempo changed by a fifth of a percent or the beat by a millisecond: less is
  // the clock's jitter (a MIDI clock's tempo line settles within that over a beat's pulses).
  if (std::abs(ratio - 1.0) <= 0.002 &&
      std::abs(anchor_is - anchor_was) <= options_.sample_rate / 1000.0) {
    return std::nullopt;
  }
  const auto moved = [&](std::int64_t frame) {
    if (frame < from) return frame;
    const double f = anchor_is + (static_cast<double>(frame) - anchor_was) * ratio;
    return std::max(from, static_cast<std::int64_t>(std::llround(f)));
  };
  for (Outgoing& o : outbox_) {
    if (!o.heard) o.event.frame = moved(o.event.frame);
  }
  for (PlannedNote& n : planned_) {
    n.start = moved(n.start);
    n.end = std::max(n.start + 1, moved(n.end));
  }
  for (std::int64_t& f : recent_onsets_) f = moved(f);
  answer_end_ = moved(answer_end_);
  last_onset_ = moved(last_onset_);
  last_start_ = moved(last_start_);
  answer_beat_ = is;
  return ratio;
}

void Sequencer::on_panic(std::int64_t now) {
  outbox_.clear();
  answer_beat_.reset();
  std::erase_if(planned_, [&](const PlannedNote& n) { return n.start >= now; });
  for (PlannedNote& n : planned_) n.end = std::min(n.end, now);
  answer_end_ = std::min(answer_end_, now);
}

void Sequencer::silence(std::int64_t frame, bool fade, std::int64_t fade_frames, int volume) {
  const int channel = options_.model_channel;
  std::int64_t silence = frame;
  if (fade) {
    // The channel volume down in steps over the fade, then silence: the answer still sounds under
    // the player for a moment instead of breaking off.
    constexpr int kSteps = 12;
    for (int k = 1; k <= kSteps; ++k) {
      const int value = volume * (kSteps - k) / kSteps;
      push(control(frame + fade_frames * (k - 1) / kSteps, Voice::kModel, channel, 7, value));
    }
    silence = frame + fade_frames;
  }
  push(SynthEvent{silence, EventKind::kChannelSilence, Voice::kModel,
                  static_cast<std::uint8_t>(channel), 0, 0});
  // Until the silence has played, a new answer would be dropped with the rest of the channel.
  silence_frame_ = silence;
  answer_end_ = std::min(answer_end_, silence);
  std::erase_if(planned_, [&](const PlannedNote& n) { return n.start >= silence; });
  std::erase_if(recent_onsets_, [&](std::int64_t f) { return f >= silence; });
  // What was not handed over yet is not played (the silence ends what was).
  std::erase_if(outbox_, [&](const Outgoing& o) { return !o.heard && o.event.frame >= silence; });
  for (PlannedNote& n : planned_) n.end = std::min(n.end, silence);
}

void Sequencer::restore_volume_when_silent(int volume) {
  if (silence_frame_ < 0 || engine_.clock().block_frame() <= silence_frame_) return;
  push(control(kFrameNow, Voice::kModel, options_.model_channel, 7, volume));
  silence_frame_ = -1;
}

std::vector<PlannedNote> Sequencer::planned(std::int64_t from) const {
  std::vector<PlannedNote> out;
  for (const PlannedNote& n : planned_) {
    if (n.end > from) out.push_back(n);
  }
  return out;
}

}  // namespace mlstm::rt
