#include "eval/playability_figures.hpp"

#include <algorithm>
#include <cmath>

namespace mlstm {

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  return values[static_cast<std::size_t>(std::lround(rank))];
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

void PlayabilityFigures::add(std::span<const NoteFeatures> answer) {
  all_.push_back(measure_playability(answer));
}

void PlayabilityFigures::add_chunks(std::span<const NoteFeatures> song, std::size_t chunk) {
  if (chunk == 0) return;
  for (std::size_t at = 0; at + chunk <= song.size(); at += chunk) add(song.subspan(at, chunk));
}

double PlayabilityFigures::share_degenerate() const {
  if (all_.empty()) return 0.0;
  const auto n =
      std::count_if(all_.begin(), all_.end(), [](const Playability& p) { return p.degenerate(); });
  return static_cast<double>(n) / static_cast<double>(all_.size());
}

nlohmann::json PlayabilityFigures::to_json() const {
  std::vector<double> span, cluster, rate;
  int degenerate = 0;
  for (const Playability& p : all_) {
    span.push_back(p.span_seconds);
    cluster.push_back(p.largest_cluster);
    rate.push_back(p.notes_per_second);
    degenerate += p.degenerate() ? 1 : 0;
  }
  return {{"answers", all_.size()},
          {"degenerate", degenerate},
          {"share_degenerate", share_degenerate()},
          {"span_s",
           {{"p10", quantile(span, 0.1)},
            {"median", quantile(span, 0.5)},
            {"p90", quantile(span, 0.9)}}},
          {"largest_cluster",
           {{"median", quantile(cluster, 0.5)},
            {"p90", quantile(cluster, 0.9)},
            {"max", quantile(cluster, 1.0)}}},
          {"notes_per_second",
           {{"median", quantile(rate, 0.5)},
            {"p90", quantile(rate, 0.9)},
            {"max", quantile(rate, 1.0)}}}};
}

}  // namespace mlstm
