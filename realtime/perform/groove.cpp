#include "perform/groove.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "midi/playability.hpp"

namespace mlstm::rt {
namespace {

// Where `frame` falls within its beat, in beats (0..1).
double beat_fraction(double frame, const PlayerBeat& beat) {
  const double b = (frame - beat.phase) / beat.period;
  return b - std::floor(b);
}

// The distance in beats from `fraction` to the nearest of `points` (the next beat's 0 counted).
double distance_to(double fraction, const std::vector<double>& points) {
  double best = 1.0 - fraction;
  for (const double p : points) best = std::min(best, std::abs(fraction - p));
  return best;
}

double mean_distance(const std::vector<double>& fractions, const std::vector<double>& points) {
  double sum = 0;
  for (const double f : fractions) sum += distance_to(f, points);
  return fractions.empty() ? 0.0 : sum / static_cast<double>(fractions.size());
}

}  // namespace

std::vector<double> BeatGrid::points() const {
  switch (kind) {
    case GridKind::kSixteenths:
      return {0.0, 0.25, 0.5, 0.75};
    case GridKind::kTriplets:
      return {0.0, 1.0 / 3.0, 2.0 / 3.0};
    case GridKind::kSwing:
      return {0.0, swing};
  }
  return {0.0};
}

std::string BeatGrid::name() const {
  switch (kind) {
    case GridKind::kSixteenths:
      return "sixteenths";
    case GridKind::kTriplets:
      return "triplets";
    case GridKind::kSwing: {
      char text[32];
      std::snprintf(text, sizeof text, "swing %.2f", swing);
      return text;
    }
  }
  return "sixteenths";
}

BeatGrid grid_of_playing(const PlayerBeat& beat, std::span<const std::int64_t> onsets) {
  BeatGrid straight;
  constexpr std::size_t kFewest = 6;
  if (onsets.size() < kFewest || beat.period <= 0) return straight;
  std::vector<double> fractions;
  fractions.reserve(onsets.size());
  for (const std::int64_t t : onsets) {
    fractions.push_back(beat_fraction(static_cast<double>(t), beat));
  }
  // A swung eighth: the off-beat onsets late in the beat's second half, at their median.
  std::vector<double> late;
  for (const double f : fractions) {
    if (f >= 0.55 && f <= 0.8) late.push_back(f);
  }
  const double e16 = mean_distance(fractions, straight.points());
  const BeatGrid triplets{GridKind::kTriplets};
  const double e3 = mean_distance(fractions, triplets.points());
  BeatGrid swung{GridKind::kSwing};
  double esw = 1.0;
  if (late.size() >= 3) {
    std::nth_element(late.begin(), late.begin() + static_cast<std::ptrdiff_t>(late.size() / 2),
                     late.end());
    swung.swing = late[late.size() / 2];
    esw = mean_distance(fractions, swung.points());
  }
  // Sixteenths unless another grid is clearly closer to what was played: a player who plays
  // straight eighths and sixteenths sits on them, and a sparser grid fits by chance less often.
  constexpr double kClearly = 0.7;
  if (e3 < kClearly * e16 && e3 <= esw) return triplets;
  if (esw < kClearly * e16 && esw < e3) return swung;
  return straight;
}

std::optional<BeatGrid> answer_grid(const JamSettings& s, const std::optional<PlayerBeat>& beat,
                                    const std::deque<PlannedNote>& player) {
  if (s.groove <= 0 || s.answer_tempo != AnswerTempo::kPlayer || !beat ||
      std::string_view(beat->source) == "playing") {
    return std::nullopt;
  }
  std::vector<std::int64_t> onsets;
  onsets.reserve(player.size());
  for (const PlannedNote& n : player) onsets.push_back(n.start);
  return grid_of_playing(*beat, onsets);
}

void draw_to_grid(std::vector<PlannedNote>& notes, const PlayerBeat& beat, const BeatGrid& grid,
                  double amount, int sample_rate) {
  amount = std::clamp(amount, 0.0, 1.0);
  if (amount == 0.0 || beat.period <= 0 || notes.empty()) return;
  const std::vector<double> points = grid.points();
  const auto nearest = [&](double frame) {
    const double b = (frame - beat.phase) / beat.period;
    const double k = std::floor(b);
    const double f = b - k;
    double to = 1.0;
    for (const double p : points) {
      if (std::abs(f - p) < std::abs(f - to)) to = p;
    }
    return beat.phase + (k + to) * beat.period;
  };
  // A chord is the onsets within the cluster window of its first (a chord the model rolled
  // over a few milliseconds): its first goes to the grid, the rest with it, their offsets drawn
  // in by the same share. No onset comes closer to the one before than it was, or than the
  // window if it was further: a fast run is not squeezed into a chord.
  const auto window = static_cast<std::int64_t>(std::llround(kClusterWindowSeconds * sample_rate));
  std::int64_t last_was = 0, last_is = 0;
  bool first = true;
  for (std::size_t i = 0; i < notes.size();) {
    const std::int64_t was = notes[i].start;
    // What is left of the distance: its share, and never more than that share of half a
    // sixteenth (a triplet grid's points lie further apart than the sixteenths').
    const double point = nearest(static_cast<double>(was));
    const double left =
        (1.0 - amount) * std::min(std::abs(point - static_cast<double>(was)), beat.period / 8.0);
    const double target = point > static_cast<double>(was) ? point - left : point + left;
    std::int64_t is = std::llround(target);
    if (!first) is = std::max(is, last_is + std::min(was - last_was, window));
    for (; i < notes.size() && notes[i].start - was <= window; ++i) {
      const std::int64_t from = notes[i].start;
      const std::int64_t to = is + std::llround(static_cast<double>(from - was) * (1.0 - amount));
      notes[i].start = to;
      notes[i].end += to - from;
      last_was = from;
      last_is = to;
    }
    first = false;
  }
}

}  // namespace mlstm::rt
