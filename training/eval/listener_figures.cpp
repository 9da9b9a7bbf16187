#include "eval/listener_figures.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "eval/music_metrics.hpp"
#include "eval/playability_figures.hpp"
#include "eval/repetition.hpp"
#include "midi/playability.hpp"

namespace mlstm {
namespace {

// A note as heard: when it starts, its pitch, how long it sounds, how hard it was struck.
struct Heard {
  double onset = 0, duration = 0;
  int pitch = 60, velocity = 64;
};

// The notes in the order a listener hears them: by onset, and within a chord (onsets within the
// cluster window of its first) from low to high. A model may write a chord's notes in any order,
// a performance's file lists them by time and pitch; nobody hears that order, so no figure may
// read it.
std::vector<Heard> as_heard(std::span<const NoteFeatures> notes) {
  const std::vector<double> onsets = onsets_from_steps(notes);
  std::vector<Heard> out;
  out.reserve(notes.size());
  for (std::size_t i = 0; i < notes.size(); ++i) {
    out.push_back({onsets[i], std::max(notes[i].duration, 0.0), notes[i].pitch, notes[i].velocity});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Heard& a, const Heard& b) { return a.onset < b.onset; });
  for (std::size_t begin = 0; begin < out.size();) {
    std::size_t end = begin + 1;
    while (end < out.size() && out[end].onset - out[begin].onset < kClusterWindowSeconds) ++end;
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(begin),
              out.begin() + static_cast<std::ptrdiff_t>(end),
              [](const Heard& a, const Heard& b) { return a.pitch < b.pitch; });
    begin = end;
  }
  return out;
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double spread_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

double mean_pitch(std::span<const Heard> notes) {
  std::vector<double> p;
  for (const Heard& h : notes) p.push_back(h.pitch);
  return mean_of(p);
}

double mean_velocity(std::span<const Heard> notes) {
  std::vector<double> v;
  for (const Heard& h : notes) v.push_back(h.velocity);
  return mean_of(v);
}

// Notes a second from the first onset to the last (at least 50 ms, so a chord stays finite).
double pace(std::span<const Heard> notes) {
  if (notes.size() < 2) return 0.0;
  return static_cast<double>(notes.size() - 1) /
         std::max(notes.back().onset - notes.front().onset, 0.05);
}

// The share of `notes` whose next `n`-gram of intervals (a figure, in any transposition) already
// occurred earlier in the stretch.
double repeated_interval_figures(std::span<const Heard> notes, std::size_t n) {
  if (notes.size() < n + 2) return 0.0;
  std::set<std::vector<int>> seen;
  int repeated = 0, total = 0;
  for (std::size_t i = 0; i + n < notes.size(); ++i) {
    std::vector<int> figure;
    for (std::size_t k = 0; k < n; ++k)
      figure.push_back(notes[i + k + 1].pitch - notes[i + k].pitch);
    repeated += seen.insert(figure).second ? 0 : 1;
    ++total;
  }
  return static_cast<double>(repeated) / total;
}

// The notes as heard, back as features (each step from the onset before), for the figures
// music_metrics.hpp and repetition.hpp already compute.
std::vector<NoteFeatures> to_sequence(std::span<const Heard> notes) {
  std::vector<NoteFeatures> out;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const double step = i > 0 ? notes[i].onset - notes[i - 1].onset : 0.0;
    out.push_back({notes[i].pitch, step, notes[i].duration, notes[i].velocity});
  }
  return out;
}

}  // namespace

const std::vector<ListenerFigureInfo>& listener_figure_infos() {
  static const std::vector<ListenerFigureInfo> infos = {
      {"distinct_pitches", "distinct pitches"},
      {"pitch_range", "pitch range (semitones)"},
      {"mean_pitch", "mean pitch (MIDI)"},
      {"register_drift", "register drift: first half's mean pitch against the second's"},
      {"register_from_phrase", "register against the phrase's (semitones)"},
      {"pitch_class_focus", "share of the three commonest pitch classes"},
      {"pitch_classes_of_phrase", "pitch classes shared with the phrase"},
      {"step_motion", "consecutive notes a step apart (1-2 semitones)"},
      {"leaps", "consecutive notes a fifth or more apart"},
      {"mean_interval", "mean interval (semitones)"},
      {"direction_changes", "direction changes between consecutive intervals"},
      {"chord_onsets", "notes that start with another, as in a chord"},
      {"polyphony", "notes sounding at each onset"},
      {"repeated_notes", "consecutive notes on the same pitch"},
      {"repeated_pitch_figures", "pitch 4-grams heard before in the stretch"},
      {"repeated_interval_figures", "interval figures (3 intervals) heard before"},
      {"log_ioi_mean", "time between onsets (mean log10 s, chords apart)"},
      {"log_ioi_spread", "spread of log10 inter-onset intervals"},
      {"log_span", "span, first onset to last (log10 s)"},
      {"pace_change", "second half's pace against the first's (log2)"},
      {"pace_against_phrase", "pace against the phrase's (log2)"},
      {"log_duration_median", "median duration (log10 s)"},
      {"log_duration_spread", "spread of log10 durations"},
      {"legato", "notes still sounding when the next onset comes"},
      {"velocity_mean", "mean velocity"},
      {"velocity_spread", "spread of velocities"},
      {"velocity_against_phrase", "mean velocity against the phrase's"},
  };
  return infos;
}

std::vector<double> listener_figures(std::span<const NoteFeatures> stretch,
                                     std::span<const NoteFeatures> phrase) {
  std::vector<double> f(listener_figure_infos().size(), 0.0);
  if (stretch.size() < 2) return f;
  const std::vector<Heard> notes = as_heard(stretch);
  const std::vector<Heard> before = as_heard(phrase);
  const std::size_t n = notes.size(), half = n / 2;
  const std::span<const Heard> all(notes), first = all.first(half), second = all.subspan(half);

  std::set<int> pitches;
  std::array<int, 12> classes{};
  for (const Heard& h : notes) {
    pitches.insert(h.pitch);
    ++classes[static_cast<std::size_t>(h.pitch % 12)];
  }
  std::array<int, 12> sorted_classes = classes;
  std::sort(sorted_classes.rbegin(), sorted_classes.rend());
  const std::vector<NoteFeatures> sequence = to_sequence(notes);

  // Melody: the intervals between consecutive notes as heard.
  int steps = 0, leaps = 0, same = 0, turns = 0, turn_pairs = 0, last_direction = 0;
  double interval_sum = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const int d = notes[i].pitch - notes[i - 1].pitch;
    const int a = std::abs(d);
    steps += (a == 1 || a == 2) ? 1 : 0;
    leaps += a >= 7 ? 1 : 0;
    same += a == 0 ? 1 : 0;
    interval_sum += a;
    if (d != 0) {
      const int direction = d > 0 ? 1 : -1;
      if (last_direction != 0) {
        ++turn_pairs;
        turns += direction != last_direction ? 1 : 0;
      }
      last_direction = direction;
    }
  }
  const double intervals = static_cast<double>(n - 1);

  // Texture: chords and the notes held over each onset.
  int in_chord = 0;
  double sounding = 0;
  int held_over = 0, next_onsets = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool with_previous = i > 0 && notes[i].onset - notes[i - 1].onset < kClusterWindowSeconds;
    const bool with_next = i + 1 < n && notes[i + 1].onset - notes[i].onset < kClusterWindowSeconds;
    in_chord += (with_previous || with_next) ? 1 : 0;
    for (std::size_t k = 0; k <= i; ++k) {
      sounding += notes[k].onset + notes[k].duration > notes[i].onset || k == i ? 1 : 0;
    }
    // The next onset that is not in this note's chord.
    for (std::size_t k = i + 1; k < n; ++k) {
      if (notes[k].onset - notes[i].onset >= kClusterWindowSeconds) {
        ++next_onsets;
        held_over += notes[i].onset + notes[i].duration >= notes[k].onset ? 1 : 0;
        break;
      }
    }
  }

  // Rhythm: inter-onset intervals between chords (a chord's own spread is no rhythm).
  std::vector<double> log_iois;
  for (std::size_t i = 1; i < n; ++i) {
    if (sequence[i].step >= kClusterWindowSeconds) log_iois.push_back(std::log10(sequence[i].step));
  }
  const std::vector<double> log_steps = log_inter_onset_intervals(sequence);
  const std::vector<double> log_lengths = log_durations(sequence);
  std::vector<double> velocities;
  for (const Heard& h : notes) velocities.push_back(h.velocity);
  const double span = notes.back().onset - notes.front().onset;
  const auto log2_ratio = [](double a, double b) {
    return (a > 0 && b > 0) ? std::log2(a / b) : 0.0;
  };

  std::size_t i = 0;
  f[i++] = static_cast<double>(pitches.size());
  f[i++] = pitch_range(sequence);
  f[i++] = mean_pitch(all);
  f[i++] = std::abs(mean_pitch(first) - mean_pitch(second));
  f[i++] = before.empty() ? 0.0 : std::abs(mean_pitch(all) - mean_pitch(before));
  f[i++] = static_cast<double>(sorted_classes[0] + sorted_classes[1] + sorted_classes[2]) /
           static_cast<double>(n);
  f[i++] = before.empty() ? 0.0
                          : histogram_overlap(pitch_class_histogram(sequence),
                                              pitch_class_histogram(to_sequence(before)));
  f[i++] = steps / intervals;
  f[i++] = leaps / intervals;
  f[i++] = interval_sum / intervals;
  f[i++] = turn_pairs > 0 ? static_cast<double>(turns) / turn_pairs : 0.0;
  f[i++] = static_cast<double>(in_chord) / static_cast<double>(n);
  f[i++] = sounding / static_cast<double>(n);
  f[i++] = same / intervals;
  f[i++] = 1.0 - distinct_four_gram_share(sequence);
  f[i++] = repeated_interval_figures(all, 3);
  f[i++] = mean_of(log_iois);
  f[i++] = spread_of(log_steps);
  f[i++] = std::log10(std::max(span, 1e-3));
  f[i++] = log2_ratio(pace(second), pace(first));
  f[i++] = before.size() < 2 ? 0.0 : log2_ratio(pace(all), pace(before));
  f[i++] = median(log_lengths);
  f[i++] = spread_of(log_lengths);
  f[i++] = next_onsets > 0 ? static_cast<double>(held_over) / next_onsets : 0.0;
  f[i++] = mean_of(velocities);
  f[i++] = spread_of(velocities);
  f[i++] = before.empty() ? 0.0 : mean_velocity(all) - mean_velocity(before);
  return f;
}

}  // namespace mlstm
