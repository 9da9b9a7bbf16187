#pragma once
// Musical statistics of note sequences, to compare a model's continuations with the real music
// that followed the same prompt (after Yang and Lerch, "On the evaluation of generative models in
// music", 2018): per sequence, a pitch-class histogram, the pitch range and the mean absolute
// interval; over a set, the distributions of inter-onset intervals and durations. Two sets are
// compared by the overlapping area of their distributions: 1 = the same, 0 = disjoint.

#include <array>
#include <span>
#include <vector>

#include "midi/note_features.hpp"

namespace mlstm {

// Shares of the 12 pitch classes (C = 0), summing to 1 (all 0 for no notes).
std::array<double, 12> pitch_class_histogram(std::span<const NoteFeatures> notes);
// The intersection of two histograms: sum of the smaller share of each class.
double histogram_overlap(const std::array<double, 12>& a, const std::array<double, 12>& b);
// Highest minus lowest pitch (semitones); 0 for no notes.
int pitch_range(std::span<const NoteFeatures> notes);
// Mean |pitch difference| between consecutive notes (semitones); 0 for fewer than 2 notes.
double mean_abs_interval(std::span<const NoteFeatures> notes);

// The overlapping area of the densities of two samples, each estimated with a Gaussian kernel
// (Silverman's bandwidth) on a common grid: integral of min(p, q). 1 for the same sample; 0 when
// either is empty.
double overlapping_area(std::span<const double> a, std::span<const double> b);

// Inter-onset intervals (the steps after the first note) and durations, in log10 seconds
// (floored at 1 ms): musical time is perceived on a log scale, and a linear kernel would spend
// its width on the long tail.
std::vector<double> log_inter_onset_intervals(std::span<const NoteFeatures> notes);
std::vector<double> log_durations(std::span<const NoteFeatures> notes);

// Density of a sample on `grid` (Gaussian kernel, Silverman's bandwidth), for plots.
std::vector<double> density(std::span<const double> sample, std::span<const double> grid);

}  // namespace mlstm
