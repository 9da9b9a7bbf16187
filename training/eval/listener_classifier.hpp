#pragma once
// Can a listener's figures tell two kinds of stretch apart (issue 33)? Two plain classifiers over
// the figures, cross-validated: a logistic regression (standardised figures, ridge) and gradient-
// boosted decision stumps (which catch a figure that gives a stretch away only past a threshold,
// or on both sides). Their held-out accuracy says how well the figures separate the kinds: 50 %
// means they cannot; the better of the two is reported, as a sharper listener would be.
//
// Samples come in groups (an answer and the real music after the same phrase share the phrase):
// a group is never split between training and held-out folds, so a classifier cannot learn a
// phrase instead of a kind.
//
// Written here rather than taken from a library: eval's figures are torch-free C++ (tested under
// the sanitizers), and both classifiers are a few dozen lines over a few hundred samples of a few
// dozen figures; Debian's scikit-learn would make eval depend on a Python stack.

#include <cstdint>
#include <span>
#include <vector>

namespace mlstm {

struct LabelledFigures {
  std::vector<double> figures;
  int label = 0;  // 0 or 1
  int group = 0;  // samples of one group stay in one fold
};

// How well one figure alone separates the kinds: the area under the ROC curve of the figure as a
// score for label 1 (0.5: not at all; 0 or 1: completely), and each kind's median.
struct FigureSeparation {
  std::size_t figure = 0;  // index into the figures
  double auc = 0.5;
  double median_label0 = 0, median_label1 = 0;
  double strength() const { return auc > 0.5 ? auc - 0.5 : 0.5 - auc; }
};

struct Separability {
  int samples = 0, folds = 0;
  double logistic_accuracy = 0.5, boosted_accuracy = 0.5;
  double accuracy() const {
    return logistic_accuracy > boosted_accuracy ? logistic_accuracy : boosted_accuracy;
  }
  std::vector<FigureSeparation> figures;  // every figure, the most separating first
};

// Cross-validates both classifiers over `samples` in `folds` folds (groups shuffled by `seed`).
// Throws std::invalid_argument when there are fewer groups than folds, a label other than 0 or
// 1, only one label, or samples with different numbers of figures.
Separability separate(std::span<const LabelledFigures> samples, int folds = 5,
                      std::uint64_t seed = 1);

// The area under the ROC curve of `score` for `label` 1 (ties count a half).
double roc_auc(std::span<const double> score, std::span<const int> label);

}  // namespace mlstm
