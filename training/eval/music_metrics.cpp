#include "eval/music_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mlstm {
namespace {

double bandwidth(std::span<const double> x) {
  const auto n = static_cast<double>(x.size());
  double mean = 0;
  for (double v : x) mean += v;
  mean /= n;
  double var = 0;
  for (double v : x) var += (v - mean) * (v - mean);
  const double sd = n > 1 ? std::sqrt(var / (n - 1)) : 0.0;
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  const auto q = [&](double p) { return sorted[static_cast<std::size_t>(p * (n - 1))]; };
  const double iqr = q(0.75) - q(0.25);
  double spread = std::min(sd, iqr / 1.34);
  if (spread <= 0) spread = sd > 0 ? sd : 0.05;  // a sample of equal values: a narrow bump
  return 0.9 * spread * std::pow(n, -0.2);
}

}  // namespace

std::array<double, 12> pitch_class_histogram(std::span<const NoteFeatures> notes) {
  std::array<double, 12> h{};
  for (const auto& n : notes) h[static_cast<std::size_t>(((n.pitch % 12) + 12) % 12)] += 1;
  if (!notes.empty()) {
    for (double& v : h) v /= static_cast<double>(notes.size());
  }
  return h;
}

double histogram_overlap(const std::array<double, 12>& a, const std::array<double, 12>& b) {
  double s = 0;
  for (std::size_t i = 0; i < 12; ++i) s += std::min(a[i], b[i]);
  return s;
}

int pitch_range(std::span<const NoteFeatures> notes) {
  if (notes.empty()) return 0;
  const auto [lo, hi] = std::minmax_element(
      notes.begin(), notes.end(), [](const auto& x, const auto& y) { return x.pitch < y.pitch; });
  return hi->pitch - lo->pitch;
}

double mean_abs_interval(std::span<const NoteFeatures> notes) {
  if (notes.size() < 2) return 0.0;
  double s = 0;
  for (std::size_t i = 1; i < notes.size(); ++i) s += std::abs(notes[i].pitch - notes[i - 1].pitch);
  return s / static_cast<double>(notes.size() - 1);
}

std::vector<double> density(std::span<const double> sample, std::span<const double> grid) {
  std::vector<double> p(grid.size(), 0.0);
  if (sample.empty()) return p;
  const double h = bandwidth(sample);
  const double norm =
      1.0 / (static_cast<double>(sample.size()) * h * std::sqrt(2 * std::numbers::pi));
  for (std::size_t g = 0; g < grid.size(); ++g) {
    double s = 0;
    for (double v : sample) {
      const double z = (grid[g] - v) / h;
      s += std::exp(-0.5 * z * z);
    }
    p[g] = s * norm;
  }
  return p;
}

double overlapping_area(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) return 0.0;
  const double ha = bandwidth(a), hb = bandwidth(b);
  const double lo = std::min(*std::min_element(a.begin(), a.end()) - 4 * ha,
                             *std::min_element(b.begin(), b.end()) - 4 * hb);
  const double hi = std::max(*std::max_element(a.begin(), a.end()) + 4 * ha,
                             *std::max_element(b.begin(), b.end()) + 4 * hb);
  constexpr int kPoints = 1024;
  std::vector<double> grid(kPoints);
  const double dx = (hi - lo) / (kPoints - 1);
  for (int i = 0; i < kPoints; ++i) grid[static_cast<std::size_t>(i)] = lo + i * dx;
  const std::vector<double> pa = density(a, grid), pb = density(b, grid);
  double area = 0;
  for (int i = 0; i < kPoints; ++i) {
    area += std::min(pa[static_cast<std::size_t>(i)], pb[static_cast<std::size_t>(i)]) * dx;
  }
  return std::clamp(area, 0.0, 1.0);
}

std::vector<double> log_inter_onset_intervals(std::span<const NoteFeatures> notes) {
  std::vector<double> out;
  for (std::size_t i = 1; i < notes.size(); ++i) {
    out.push_back(std::log10(std::max(notes[i].step, 1e-3)));
  }
  return out;
}

std::vector<double> log_durations(std::span<const NoteFeatures> notes) {
  std::vector<double> out;
  for (const auto& n : notes) out.push_back(std::log10(std::max(n.duration, 1e-3)));
  return out;
}

}  // namespace mlstm
