// eval's playability figures over a set of answers and over a chain cut into answers.
#include <gtest/gtest.h>

#include <vector>

#include "eval/playability_figures.hpp"

namespace mlstm {
namespace {

std::vector<NoteFeatures> line(int n, double step) {
  std::vector<NoteFeatures> notes;
  for (int i = 0; i < n; ++i) notes.push_back({60 + i % 7, step, 0.1, 64});
  return notes;
}

TEST(PlayabilityFigures, CountsTheDegenerateAnswersAmongPlayableOnes) {
  PlayabilityFigures f;
  for (int i = 0; i < 3; ++i) f.add(line(50, 0.2));  // 9.8 s each
  f.add(line(50, 0.0));                              // 50 notes at once
  const auto j = f.to_json();
  EXPECT_EQ(j.at("answers"), 4);
  EXPECT_EQ(j.at("degenerate"), 1);
  EXPECT_DOUBLE_EQ(f.share_degenerate(), 0.25);
  EXPECT_NEAR(j.at("span_s").at("median").get<double>(), 9.8, 1e-9);
  EXPECT_NEAR(j.at("span_s").at("p10").get<double>(), 0.0, 1e-9);
  EXPECT_EQ(j.at("largest_cluster").at("max").get<double>(), 50);
  EXPECT_EQ(j.at("largest_cluster").at("median").get<double>(), 1);
}

TEST(PlayabilityFigures, AChainIsJudgedAnswerByAnswer) {
  // 120 notes: two answers of 50 (the first playable, the second a cluster) and a tail of 20.
  std::vector<NoteFeatures> song = line(50, 0.15);
  const auto cluster = line(50, 0.0);
  song.insert(song.end(), cluster.begin(), cluster.end());
  const auto tail = line(20, 0.0);
  song.insert(song.end(), tail.begin(), tail.end());
  PlayabilityFigures f;
  f.add_chunks(song, 50);
  EXPECT_EQ(f.answers(), 2u);
  EXPECT_DOUBLE_EQ(f.share_degenerate(), 0.5);
}

TEST(PlayabilityFigures, QuantilesByNearestRank) {
  EXPECT_DOUBLE_EQ(quantile({5, 1, 3, 2, 4}, 0.5), 3);
  EXPECT_DOUBLE_EQ(quantile({5, 1, 3, 2, 4}, 0.0), 1);
  EXPECT_DOUBLE_EQ(quantile({5, 1, 3, 2, 4}, 1.0), 5);
  EXPECT_DOUBLE_EQ(quantile({}, 0.5), 0.0);
  EXPECT_TRUE(PlayabilityFigures().to_json().at("answers") == 0);
}

}  // namespace
}  // namespace mlstm
