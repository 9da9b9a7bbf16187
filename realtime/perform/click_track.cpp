#include "perform/click_track.hpp"

#include <algorithm>
#include <cmath>

namespace mlstm::rt {

ClickTrack::ClickTrack(int sample_rate, int buffer_frames, Sink sink)
    : sample_rate_(sample_rate), buffer_frames_(buffer_frames), sink_(std::move(sink)) {}

std::optional<PlayerBeat> ClickTrack::update_metronome(std::int64_t now, const JamSettings& s) {
  if (s.metronome == Metronome::kOff) {
    metronome_start_ = -1;
    return std::nullopt;
  }
  const JamSettings& m = metronome_settings_;
  if (metronome_start_ < 0 || m.metronome != s.metronome || m.metronome_bpm != s.metronome_bpm ||
      m.beats_per_bar != s.beats_per_bar || m.count_in_bars != s.count_in_bars) {
    // The first click one buffer ahead, so it is heard whole.
    metronome_start_ = now + buffer_frames_;
    metronome_settings_ = s;
    clicks_ = 0;
    next_click_ = metronome_start_;
  }
  PlayerBeat b;
  b.period = sample_rate_ * 60.0 / s.metronome_bpm;
  b.phase = static_cast<double>(metronome_start_);
  b.bar = metronome_start_;
  b.bpm = s.metronome_bpm;
  b.source = "metronome";
  return b;
}

void ClickTrack::queue_clicks(std::int64_t now, const JamSettings& s, const PlayerBeat& b) {
  const std::int64_t counted = static_cast<std::int64_t>(s.count_in_bars) * s.beats_per_bar;
  const std::int64_t ahead = now + to_frames(kClickAheadSeconds, sample_rate_);
  for (;;) {
    if (s.metronome == Metronome::kCountIn && clicks_ >= counted) return;
    const std::int64_t at = b.next(next_click_);
    if (at > ahead) return;
    const auto beat_index = std::llround((static_cast<double>(at) - b.anchor()) / b.period);
    const bool bar = beat_index % std::max(1, s.beats_per_bar) == 0;
    next_click_ = at + 1;
    if (at >= now) {
      const int velocity = std::clamp(s.click_volume + (bar ? 20 : 0), 1, 127);
      sink_(
          note_on(at, Voice::kClick, kClickChannel, bar ? kClickBarKey : kClickBeatKey, velocity));
      sink_(note_off(at + to_frames(0.05, sample_rate_), Voice::kClick, kClickChannel,
                     bar ? kClickBarKey : kClickBeatKey));
    }
    ++clicks_;
  }
}

void ClickTrack::update_clock_out(std::int64_t now, const JamSettings& s,
                                  const std::optional<PlayerBeat>& beat, std::int64_t lead) {
  const auto clock = [&](std::int64_t frame, std::uint8_t status) {
    return SynthEvent{std::max(now, frame - lead), EventKind::kClock, Voice::kClick, 0, status, 0};
  };
  if (!s.clock_out || !beat) {
    if (clock_running_ && !s.clock_out) {
      sink_(clock(static_cast<std::int64_t>(next_pulse_), 0xFC));  // stop
      clock_running_ = false;
    }
    return;
  }
  if (!clock_running_) {
    clock_running_ = true;
    next_pulse_ = static_cast<double>(beat->next(now + 1));
    // Start a frame before the first pulse: a receiver counts the pulses after it.
    sink_(clock(static_cast<std::int64_t>(std::llround(next_pulse_)) - 1, 0xFA));
  }
  const double pulse = beat->period / kClockPulsesPerBeat;
  // On the beat's grid as it is now (a new tempo, or the beat heard anew, moves it: the next
  // pulse comes at most one pulse later than it would have).
  next_pulse_ = beat->phase + std::ceil((next_pulse_ - beat->phase) / pulse - 1e-6) * pulse;
  const std::int64_t ahead = now + to_frames(kClickAheadSeconds, sample_rate_) + lead;
  while (std::llround(next_pulse_) <= ahead) {
    sink_(clock(static_cast<std::int64_t>(std::llround(next_pulse_)), 0xF8));
    next_pulse_ += pulse;
  }
}

}  // namespace mlstm::rt
