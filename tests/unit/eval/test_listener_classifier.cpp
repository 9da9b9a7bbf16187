// The listener's classifiers (training/eval/listener_classifier.hpp): they find a figure that
// separates two kinds and say chance where nothing does.
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "eval/listener_classifier.hpp"

namespace mlstm {
namespace {

// `pairs` groups of one sample of each label, `figures` figures each drawn from N(0, 1), but
// figure 2 of label 1 is shifted by `shift`.
std::vector<LabelledFigures> clouds(int pairs, double shift, std::uint64_t seed, int figures = 6) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<LabelledFigures> out;
  for (int g = 0; g < pairs; ++g) {
    for (int label = 0; label < 2; ++label) {
      LabelledFigures s{std::vector<double>(static_cast<std::size_t>(figures)), label, g};
      for (double& v : s.figures) v = normal(rng);
      if (label == 1) s.figures[2] += shift;
      out.push_back(s);
    }
  }
  return out;
}

TEST(ListenerClassifier, FindsTheFigureThatSeparates) {
  const Separability s = separate(clouds(200, 3.0, 1));
  EXPECT_EQ(s.samples, 400);
  EXPECT_GT(s.logistic_accuracy, 0.88);  // two unit normals 3 apart: 93% at best
  EXPECT_GT(s.boosted_accuracy, 0.85);
  ASSERT_EQ(s.figures.size(), 6u);
  EXPECT_EQ(s.figures.front().figure, 2u);
  EXPECT_GT(s.figures.front().auc, 0.95);
  EXPECT_NEAR(s.figures.front().median_label1 - s.figures.front().median_label0, 3.0, 0.4);
  EXPECT_LT(s.figures.back().strength(), 0.1);
}

TEST(ListenerClassifier, SaysChanceWhenTheKindsAreAlike) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Separability s = separate(clouds(200, 0.0, seed));
    EXPECT_NEAR(s.accuracy(), 0.5, 0.08) << "seed " << seed;
  }
}

TEST(ListenerClassifier, BoostedStumpsSeeAFigureOutOnBothSides) {
  // Label 1's figure 0 is far from 0 on either side; its mean is the same as label 0's, which a
  // linear classifier cannot use, and stumps can.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::vector<LabelledFigures> samples;
  for (int g = 0; g < 200; ++g) {
    samples.push_back({{normal(rng) * 0.5, normal(rng)}, 0, g});
    samples.push_back({{(g % 2 ? 3.0 : -3.0) + normal(rng) * 0.5, normal(rng)}, 1, g});
  }
  const Separability s = separate(samples);
  EXPECT_LT(s.logistic_accuracy, 0.65);
  EXPECT_GT(s.boosted_accuracy, 0.95);
  EXPECT_GT(s.accuracy(), 0.95);
}

TEST(ListenerClassifier, RocAucCountsTiesAsHalf) {
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{1, 2, 3, 4}, std::vector<int>{0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{4, 3, 2, 1}, std::vector<int>{0, 0, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{1, 1, 1, 1}, std::vector<int>{0, 1, 0, 1}), 0.5);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<double>{1, 2, 2, 3}, std::vector<int>{0, 1, 0, 1}), 0.875);
}

TEST(ListenerClassifier, RefusesWhatItCannotClassify) {
  EXPECT_THROW(separate({}), std::invalid_argument);
  EXPECT_THROW(separate(clouds(3, 1.0, 1)), std::invalid_argument);  // 3 groups, 5 folds
  auto one_kind = clouds(20, 1.0, 1);
  for (auto& s : one_kind) s.label = 0;
  EXPECT_THROW(separate(one_kind), std::invalid_argument);
  auto ragged = clouds(20, 1.0, 1);
  ragged[3].figures.pop_back();
  EXPECT_THROW(separate(ragged), std::invalid_argument);
}

}  // namespace
}  // namespace mlstm
