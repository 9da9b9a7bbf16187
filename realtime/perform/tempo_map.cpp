#include "perform/tempo_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

#include "midi/note.hpp"
#include "music/beat_estimate.hpp"

namespace mlstm::rt {

std::string TempoMap::update_external(std::int64_t now, const JamSettings& s, bool& stopped) {
  stopped = false;
  // The host's transport first (a plugin host's, or the Link session's while it has other
  // peers), then MIDI clock in.
  std::optional<PlayerBeat> external;
  if (const std::optional<TransportBeat> host = transport_ ? transport_->beat() : std::nullopt) {
    PlayerBeat b;
    b.period = host->period;
    b.phase = host->phase;
    b.bar = host->bar;
    b.bpm = host->bpm;
    b.source = host->source == TransportSource::kLink ? "link" : "host";
    b.bar_beats = std::max(1, static_cast<int>(std::lround(host->beats_per_bar)));
    external = b;
  } else if (const std::optional<ClockBeat> clock =
                 s.clock_in ? clock_in_.beat(now, s.beats_per_bar) : std::nullopt) {
    PlayerBeat b;
    b.period = clock->period;
    b.phase = clock->beat;
    b.bar = std::llround(clock->bar);
    b.bpm = clock->bpm;
    b.source = "clock";
    external = b;
  }
  const auto name = [](std::string_view source) {
    return source == "host" ? "the host's transport" : source == "link" ? "Link" : "MIDI clock in";
  };
  if (!external) {
    if (!following_) return {};
    following_ = false;
    beat_.reset();  // the metronome's, or heard from the player's notes, again
    beat_updated_ = -1;
    stopped = true;
    return std::string(name(external_source_)) + " stopped: the jam keeps its own beat again";
  }
  beat_ = external;
  if (following_ && external_source_ == std::string_view(external->source)) return {};
  following_ = true;
  external_source_ = external->source;
  char line[120];
  std::snprintf(line, sizeof line, "following %s at %.1f bpm", name(external_source_),
                external->bpm);
  return line;
}

void TempoMap::set_metronome(const std::optional<PlayerBeat>& metronome, bool was_running) {
  if (following_) return;
  if (metronome) {
    beat_ = metronome;
  } else if (was_running) {
    beat_.reset();  // heard from the player's notes again
    beat_updated_ = -1;
  }
}

bool TempoMap::player_beat_due(std::int64_t frame, bool released) const {
  return beat_updated_ < 0 || released ||
         frame - beat_updated_ >= to_frames(kBeatUpdateSeconds, sample_rate_);
}

void TempoMap::hear_player(std::int64_t now, const std::deque<PlannedNote>& recent,
                           std::int64_t phrase_start, bool metronome_running) {
  // The clock's beat, or the metronome's, is the jam's while it runs.
  if (following_ || metronome_running) return;
  beat_updated_ = now;
  const double rate = sample_rate_;
  // The player's notes of the last kBeatSeconds before their newest, in seconds; a held one
  // lasts until now.
  std::int64_t newest = -1;
  for (const PlannedNote& n : recent) newest = std::max(newest, n.start);
  if (newest < 0) return;
  const std::int64_t from = newest - to_frames(kBeatSeconds, sample_rate_);
  std::vector<Note> notes;
  for (const PlannedNote& n : recent) {
    if (n.start < from) continue;
    const std::int64_t end = n.end >= 0 ? n.end : std::max(now, n.start);
    notes.push_back({n.pitch, n.velocity, static_cast<double>(n.start) / rate,
                     static_cast<double>(end) / rate});
  }
  std::sort(notes.begin(), notes.end(), note_order);
  if (notes.size() > static_cast<std::size_t>(kBeatNotes)) {
    notes.erase(notes.begin(), notes.end() - kBeatNotes);
  }
  const music::BeatEstimate e = music::estimate_beat(notes);
  if (!e.found) return;
  PlayerBeat b;
  b.period = e.period * rate;
  b.phase = e.phase * rate;
  b.bpm = e.bpm();
  if (phrase_start >= 0) {
    b.bar = std::llround(e.nearest_beat(static_cast<double>(phrase_start) / rate) * rate);
  }
  beat_ = b;
}

std::int64_t TempoMap::entry_frame(std::int64_t frame, const JamSettings& s) const {
  if (s.entry == Entry::kFree || !beat_) return frame;  // no beat heard yet: it enters freely
  const int bar = beat_->bar_beats > 0 ? beat_->bar_beats : s.beats_per_bar;
  return beat_->next(frame, s.entry == Entry::kBar ? bar : 1);
}

double TempoMap::tempo_factor(const JamSettings& s) const {
  if (s.answer_tempo != AnswerTempo::kPlayer || !beat_) return 1.0;
  const double player_beat = beat_->period / sample_rate_;
  return std::clamp(player_beat / (60.0 / kModelTempoBpm), kMinTempoFactor, kMaxTempoFactor);
}

}  // namespace mlstm::rt
