// The listener's figures of a stretch of music (training/eval/listener_figures.hpp): each says
// what a listener hears, and none reads the order a chord's notes were written in.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "eval/listener_figures.hpp"

namespace mlstm {
namespace {

double figure(const std::vector<double>& f, const std::string& key) {
  const auto& infos = listener_figure_infos();
  for (std::size_t i = 0; i < infos.size(); ++i) {
    if (infos[i].key == key) return f.at(i);
  }
  ADD_FAILURE() << "no figure " << key;
  return 0;
}

// A C major scale up and down from `low`, `n` notes, one every `step` s.
std::vector<NoteFeatures> scale_run(int n, int low, double step) {
  static const int degrees[] = {0, 2, 4, 5, 7, 9, 11};
  std::vector<NoteFeatures> out;
  for (int i = 0; i < n; ++i) {
    const int k = i % 28 < 14 ? i % 28 : 28 - i % 28;  // up two octaves, then down
    out.push_back({low + 12 * (k / 7) + degrees[k % 7], i ? step : 0.0, step, 70});
  }
  return out;
}

// A C major triad and a G major triad in turn, `n` chords of three notes.
std::vector<NoteFeatures> chords(int n, double step) {
  std::vector<NoteFeatures> out;
  for (int c = 0; c < n; ++c) {
    const int root = c % 2 ? 55 : 60;
    for (int k = 0; k < 3; ++k) {
      out.push_back({root + (k == 0 ? 0 : k == 1 ? 4 : 7), k == 0 && c > 0 ? step : 0.0, step, 64});
    }
  }
  return out;
}

TEST(ListenerFigures, AScaleRunMovesByStepsAcrossTheKeyboard) {
  const auto f = listener_figures(scale_run(50, 48, 0.15), {});
  EXPECT_EQ(figure(f, "distinct_pitches"), 15);
  EXPECT_EQ(figure(f, "pitch_range"), 24);
  EXPECT_GT(figure(f, "step_motion"), 0.95);
  EXPECT_LT(figure(f, "direction_changes"), 0.1);  // turns only at the top and bottom
  EXPECT_EQ(figure(f, "chord_onsets"), 0);
  EXPECT_EQ(figure(f, "repeated_notes"), 0);
  EXPECT_NEAR(figure(f, "log_ioi_mean"), std::log10(0.15), 1e-9);
  EXPECT_NEAR(figure(f, "log_ioi_spread"), 0.0, 1e-9);  // an even rhythm
  EXPECT_NEAR(figure(f, "pace_change"), 0.0, 0.05);
}

TEST(ListenerFigures, ChordsStartTogetherAndRepeatTheirFigure) {
  const auto f = listener_figures(chords(16, 0.5), {});
  EXPECT_EQ(figure(f, "chord_onsets"), 1.0);
  EXPECT_NEAR(figure(f, "polyphony"), 2.0, 1e-9);  // 1, 2 and 3 sounding as a chord's notes come
  EXPECT_EQ(figure(f, "distinct_pitches"), 6);
  EXPECT_GT(figure(f, "repeated_pitch_figures"), 0.8);
  EXPECT_GT(figure(f, "repeated_interval_figures"), 0.8);
  EXPECT_NEAR(figure(f, "pitch_class_focus"), 32.0 / 48.0, 1e-9);  // C, G and E or B
}

TEST(ListenerFigures, AChordsWrittenOrderIsNotHeard) {
  auto written = chords(16, 0.5);
  const auto heard = listener_figures(written, {});
  for (std::size_t c = 0; c < written.size(); c += 3) {  // each chord high to low instead
    std::swap(written[c].pitch, written[c + 2].pitch);
  }
  EXPECT_EQ(listener_figures(written, {}), heard);
}

TEST(ListenerFigures, ComparesWithThePhraseItAnswers) {
  const auto phrase = scale_run(16, 48, 0.3);
  const auto same_place = listener_figures(scale_run(50, 48, 0.15), phrase);
  const auto two_octaves_up = listener_figures(scale_run(50, 72, 0.15), phrase);
  EXPECT_LT(figure(same_place, "register_from_phrase"), 2.0);
  EXPECT_NEAR(figure(two_octaves_up, "register_from_phrase"), 24.0, 2.0);
  EXPECT_NEAR(figure(same_place, "pace_against_phrase"), 1.0, 0.05);  // twice as fast
  EXPECT_NEAR(figure(same_place, "pitch_classes_of_phrase"), 1.0, 0.15);
  EXPECT_EQ(figure(listener_figures(scale_run(50, 48, 0.15), {}), "register_from_phrase"), 0.0);
}

TEST(ListenerFigures, ADriftingLineShowsItsDrift) {
  std::vector<NoteFeatures> rising;
  for (int i = 0; i < 50; ++i) rising.push_back({40 + i, 0.1, 0.1, 64});
  EXPECT_NEAR(figure(listener_figures(rising, {}), "register_drift"), 25.0, 1e-9);
  EXPECT_LT(figure(listener_figures(chords(16, 0.5), {}), "register_drift"), 3.0);
}

TEST(ListenerFigures, LegatoAndTouch) {
  auto held = scale_run(50, 60, 0.2), detached = held;
  for (auto& n : held) n.duration = 0.5;
  for (auto& n : detached) n.duration = 0.05;
  EXPECT_EQ(figure(listener_figures(held, {}), "legato"), 1.0);
  EXPECT_EQ(figure(listener_figures(detached, {}), "legato"), 0.0);
  for (std::size_t i = 0; i < held.size(); ++i) held[i].velocity = i % 2 ? 40 : 90;
  const auto f = listener_figures(held, detached);
  EXPECT_NEAR(figure(f, "velocity_mean"), 65, 1e-9);
  EXPECT_NEAR(figure(f, "velocity_against_phrase"), -5, 1e-9);
  EXPECT_GT(figure(f, "velocity_spread"), 20);
}

TEST(ListenerFigures, TooShortAStretchHasNoFigures) {
  const auto f = listener_figures(scale_run(1, 60, 0.1), scale_run(8, 60, 0.1));
  EXPECT_EQ(f.size(), listener_figure_infos().size());
  EXPECT_TRUE(std::all_of(f.begin(), f.end(), [](double v) { return v == 0.0; }));
}

}  // namespace
}  // namespace mlstm
