#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "eval/music_metrics.hpp"
#include "eval/repetition.hpp"
#include "eval/svg_chart.hpp"

namespace mlstm {
namespace {

std::vector<NoteFeatures> pitches(std::initializer_list<int> ps, double step = 0.25) {
  std::vector<NoteFeatures> notes;
  for (int p : ps) notes.push_back({p, step, 0.2, 64});
  return notes;
}

TEST(PitchClassHistogram, CountsClassesAcrossOctaves) {
  const auto h = pitch_class_histogram(pitches({60, 72, 64, 67}));
  EXPECT_DOUBLE_EQ(h[0], 0.5);  // C4 and C5
  EXPECT_DOUBLE_EQ(h[4], 0.25);
  EXPECT_DOUBLE_EQ(h[7], 0.25);
  EXPECT_DOUBLE_EQ(histogram_overlap(h, h), 1.0);
  EXPECT_DOUBLE_EQ(histogram_overlap(h, pitch_class_histogram(pitches({61, 62}))), 0.0);
}

TEST(PitchRangeAndIntervals, AreInSemitones) {
  const auto notes = pitches({60, 67, 55, 72});
  EXPECT_EQ(pitch_range(notes), 17);
  EXPECT_DOUBLE_EQ(mean_abs_interval(notes), (7.0 + 12.0 + 17.0) / 3.0);
  EXPECT_EQ(pitch_range({}), 0);
  EXPECT_DOUBLE_EQ(mean_abs_interval(pitches({60})), 0.0);
}

TEST(OverlappingArea, IsOneForTheSameSampleAndNearZeroForDisjointOnes) {
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<double> a, b, far;
  for (int i = 0; i < 500; ++i) {
    a.push_back(n(rng));
    b.push_back(n(rng));
    far.push_back(n(rng) + 20.0);
  }
  EXPECT_NEAR(overlapping_area(a, a), 1.0, 1e-3);
  EXPECT_GT(overlapping_area(a, b), 0.85);  // two samples of one distribution
  EXPECT_LT(overlapping_area(a, far), 1e-3);
  EXPECT_DOUBLE_EQ(overlapping_area(a, {}), 0.0);
}

TEST(OverlappingArea, HalfShiftedNormalsOverlapAsTheoryGives) {
  // Two unit normals one standard deviation apart overlap by 2 * Phi(-0.5) = 0.617.
  std::vector<double> a, b;
  std::mt19937 rng(5);
  std::normal_distribution<double> n(0.0, 1.0);
  for (int i = 0; i < 4000; ++i) {
    a.push_back(n(rng));
    b.push_back(n(rng) + 1.0);
  }
  EXPECT_NEAR(overlapping_area(a, b), 0.617, 0.04);
}

TEST(LogTimes, SkipTheFirstStepAndFloorAtAMillisecond) {
  std::vector<NoteFeatures> notes = {{60, 5.0, 0.0, 64}, {62, 0.1, 1.0, 64}, {64, 0.0, 0.01, 64}};
  const auto ioi = log_inter_onset_intervals(notes);
  ASSERT_EQ(ioi.size(), 2u);
  EXPECT_DOUBLE_EQ(ioi[0], -1.0);
  EXPECT_DOUBLE_EQ(ioi[1], -3.0);  // a chord: 0 s floored at 1 ms
  const auto d = log_durations(notes);
  EXPECT_DOUBLE_EQ(d[0], -3.0);
  EXPECT_DOUBLE_EQ(d[1], 0.0);
}

TEST(LongestTwoPitchRun, FindsTrillsRepeatsAndAlternations) {
  EXPECT_EQ(longest_two_pitch_run({}), 0);
  EXPECT_EQ(longest_two_pitch_run(pitches({60})), 1);
  EXPECT_EQ(longest_two_pitch_run(pitches({60, 62, 64, 65, 67})), 2);
  // A trill of 6 notes inside a scale: 59 60 62 60 62 60 62 64 -> 60 62 60 62 60 62 (6) plus
  // nothing else; 59 60 is also a pair but shorter.
  EXPECT_EQ(longest_two_pitch_run(pitches({59, 60, 62, 60, 62, 60, 62, 64})), 6);
  // The window restarts after the last note of the pitch seen longest ago: 60 60 62 62 64 64 64
  // -> 62 62 64 64 64 (5).
  EXPECT_EQ(longest_two_pitch_run(pitches({60, 60, 62, 62, 64, 64, 64})), 5);
  // Evicting the older pitch keeps the newer one's whole stretch: 60 62 60 64 60 -> 60 64 60 (3).
  EXPECT_EQ(longest_two_pitch_run(pitches({60, 62, 60, 64, 60})), 3);
  EXPECT_EQ(longest_two_pitch_run(pitches({70, 70, 70, 70})), 4);
}

TEST(DistinctFourGrams, IsOneForNoRepeatAndSmallForALoop) {
  EXPECT_DOUBLE_EQ(distinct_four_gram_share(pitches({60, 62, 64, 65, 67, 69})), 1.0);
  std::vector<NoteFeatures> loop;
  for (int i = 0; i < 100; ++i) loop.push_back({i % 2 ? 60 : 62, 0.1, 0.1, 64});
  EXPECT_NEAR(distinct_four_gram_share(loop), 2.0 / 97.0, 1e-12);
  EXPECT_DOUBLE_EQ(distinct_four_gram_share(pitches({60, 61})), 1.0);
}

TEST(SvgChart, WritesEverySeriesAndEscapesText) {
  const std::string line = line_chart_svg(
      {"IOI <log>", "x", "y"},
      {{"model", {0, 1, 2}, {0, 1, 0}, "#d9822b"}, {"real", {0, 1, 2}, {1, 0, 1}, "#2b6cb0"}});
  EXPECT_NE(line.find("<svg"), std::string::npos);
  EXPECT_NE(line.find("IOI &lt;log&gt;"), std::string::npos);
  EXPECT_EQ(line.find("IOI <log>"), std::string::npos);
  std::size_t polylines = 0;
  for (std::size_t at = line.find("<polyline"); at != std::string::npos;
       at = line.find("<polyline", at + 1))
    ++polylines;
  EXPECT_EQ(polylines, 2u);
  const std::string bars =
      bar_chart_svg({"t", "x", "y"}, {"C", "D"}, {{"a", {}, {0.5, 0.25}, "#000"}});
  std::size_t rects = 0;
  for (std::size_t at = bars.find("<rect"); at != std::string::npos;
       at = bars.find("<rect", at + 1))
    ++rects;
  EXPECT_EQ(rects, 1u + 2u + 1u);  // background, two bars, one legend swatch
}

// A loss curve of one epoch is one point: a polyline alone would draw nothing.
TEST(SvgChart, MarkersDrawEveryPoint) {
  const auto count = [](const std::string& svg, const std::string& tag) {
    std::size_t n = 0;
    for (auto at = svg.find(tag); at != std::string::npos; at = svg.find(tag, at + 1)) ++n;
    return n;
  };
  ChartSeries one{"validation", {4313}, {6.58}, "#2b6cb0", true};
  EXPECT_EQ(count(line_chart_svg({"t", "step", "loss"}, {one}), "<circle"), 1u);
  one.markers = false;
  EXPECT_EQ(count(line_chart_svg({"t", "step", "loss"}, {one}), "<circle"), 0u);
}

}  // namespace
}  // namespace mlstm
