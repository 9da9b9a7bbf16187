#include "music/beat_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace mlstm::music {
namespace {

struct Event {
  double time = 0;
  double salience = 0;
};

// A chord's notes are one event at its first onset; its salience is the sum of its notes'.
// A note's salience grows with its loudness and its length (up to a second): the beat is where
// the music leans, and players lean with held chords and accents.
std::vector<Event> events_of(std::span<const Note> notes, double merge) {
  std::vector<Note> sorted(notes.begin(), notes.end());
  std::sort(sorted.begin(), sorted.end(), note_order);
  std::vector<Event> events;
  for (const Note& n : sorted) {
    const double salience =
        (0.25 + n.velocity / 127.0) * (0.25 + std::clamp(n.duration(), 0.0, 1.0));
    if (!events.empty() && n.start - events.back().time < merge) {
      events.back().salience += salience;
    } else {
      events.push_back({n.start, salience});
    }
  }
  return events;
}

struct Grid {
  double period = 0, phase = 0, score = -1;
};

// The best phase for `period` (a beat on one of the events) and its score: the share of the
// events' salience the grid catches, times the share of its beats that have an event, times the
// tempo preference. A grid twice too fast catches everything but leaves half its beats empty; one
// twice too slow has an event on every beat but misses the half of the music between them.
Grid best_phase(const std::vector<Event>& events, double period, double total_salience,
                const BeatOptions& o) {
  const double first = events.front().time, last = events.back().time;
  const double inv_two_sigma2 = 1.0 / (2.0 * o.tolerance * o.tolerance);
  const double octaves = std::log2(period / (60.0 / o.prior_bpm)) / o.prior_octaves;
  const double prior = std::exp(-0.5 * octaves * octaves);
  Grid best{period, 0, -1};
  std::vector<char> heard;
  for (const Event& anchor : events) {
    // The beats within the events' span: from the first at or after `first` to the last at or
    // before `last` (an event just before a beat, by the player's timing, counts for it).
    const long k_first = std::lround(std::ceil((first - anchor.time - o.tolerance) / period));
    const long k_last = std::lround(std::floor((last - anchor.time + o.tolerance) / period));
    if (k_last < k_first) continue;
    heard.assign(static_cast<std::size_t>(k_last - k_first + 1), 0);
    double caught = 0;
    for (const Event& e : events) {
      const double x = (e.time - anchor.time) / period;
      const long k = std::lround(x);
      const double d = std::abs(x - static_cast<double>(k)) * period;
      if (d >= 3 * o.tolerance) continue;
      caught += e.salience * std::exp(-d * d * inv_two_sigma2);
      if (d < 2 * o.tolerance && k >= k_first && k <= k_last) {
        heard[static_cast<std::size_t>(k - k_first)] = 1;
      }
    }
    double with_event = 0;
    for (const char h : heard) with_event += h;
    const double score =
        caught / total_salience * (with_event / static_cast<double>(heard.size())) * prior;
    if (score > best.score) best = {period, anchor.time, score};
  }
  return best;
}

}  // namespace

double BeatEstimate::next_beat(double t) const {
  return phase + std::ceil((t - phase) / period - 1e-9) * period;
}

double BeatEstimate::nearest_beat(double t) const {
  return phase + std::round((t - phase) / period) * period;
}

BeatEstimate estimate_beat(std::span<const Note> notes, const BeatOptions& o) {
  BeatEstimate out;
  const std::vector<Event> events = events_of(notes, o.merge);
  out.events = static_cast<int>(events.size());
  if (events.size() < 4) return out;
  const double span = events.back().time - events.front().time;
  const double min_period = 60.0 / o.max_bpm;
  // A period needs two beats within the span to be heard at all.
  const double max_period = std::min(60.0 / o.min_bpm, span / 2.0);
  if (max_period < min_period) return out;

  double total_salience = 0;
  for (const Event& e : events) total_salience += e.salience;
  // Coarse: 1% steps; then 0.1% steps within 1.5% of the best.
  Grid best;
  for (double p = min_period; p <= max_period; p *= 1.01) {
    const Grid g = best_phase(events, p, total_salience, o);
    if (g.score > best.score) best = g;
  }
  const double centre = best.period;
  for (double p = centre * 0.985; p <= centre * 1.015; p *= 1.001) {
    if (p < min_period || p > max_period) continue;
    const Grid g = best_phase(events, p, total_salience, o);
    if (g.score > best.score) best = g;
  }

  // Least squares through the events the grid caught: time = phase + period * beat number.
  // The latest events weigh most (a half-life of `recency` seconds): players drift, and the beat
  // that matters is the one where the notes end.
  const double newest = events.back().time;
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, caught = 0, total = 0;
  for (const Event& e : events) {
    total += e.salience;
    const double k = std::round((e.time - best.phase) / best.period);
    if (std::abs(e.time - (best.phase + k * best.period)) > 2 * o.tolerance) continue;
    caught += e.salience;
    const double w = e.salience * std::exp2(-(newest - e.time) / o.recency);
    n += w;
    sx += w * k;
    sy += w * e.time;
    sxx += w * k * k;
    sxy += w * k * e.time;
  }
  double period = best.period, phase = best.phase;
  const double det = n * sxx - sx * sx;
  if (det > 1e-9) {
    const double fitted = (n * sxy - sx * sy) / det;
    // The line keeps the grid's period within a few percent (it cannot jump a metrical level).
    if (std::abs(fitted / best.period - 1.0) < 0.05) {
      period = fitted;
      phase = (sy - period * sx) / n;
    }
  }
  out.found = true;
  out.period = period;
  out.phase = phase;
  out.fit = total > 0 ? caught / total : 0.0;
  // How steady the beat is: the beats heard, and how far the events on them stray.
  const double first = events.front().time, last = events.back().time;
  const long k_first = std::lround(std::ceil((first - phase - o.tolerance) / period));
  const long k_last = std::lround(std::floor((last - phase + o.tolerance) / period));
  std::vector<char> heard(static_cast<std::size_t>(std::max(0L, k_last - k_first + 1)), 0);
  double squares = 0, on_beat = 0;
  for (const Event& e : events) {
    const long k = std::lround((e.time - phase) / period);
    const double d = e.time - (phase + static_cast<double>(k) * period);
    if (std::abs(d) > 2 * o.tolerance) continue;
    squares += d * d;
    ++on_beat;
    if (k >= k_first && k <= k_last) heard[static_cast<std::size_t>(k - k_first)] = 1;
  }
  double with_event = 0;
  for (const char h : heard) with_event += h;
  out.coverage = heard.empty() ? 0.0 : with_event / static_cast<double>(heard.size());
  out.deviation = on_beat > 0 ? std::sqrt(squares / on_beat) : 0.0;
  return out;
}

}  // namespace mlstm::music
