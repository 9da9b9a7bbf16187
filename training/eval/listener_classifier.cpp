#include "eval/listener_classifier.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include "eval/playability_figures.hpp"

namespace mlstm {
namespace {

using Matrix = std::vector<std::vector<double>>;

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-std::clamp(z, -40.0, 40.0)));
}

// Solves A x = b for a symmetric positive definite A (Cholesky); A is the ridge-regularised
// Hessian of a few dozen figures, always positive definite.
std::vector<double> solve_spd(Matrix a, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j][j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j][k] * a[j][k];
    a[j][j] = std::sqrt(std::max(d, 1e-12));
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i][j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i][k] * a[j][k];
      a[i][j] = s / a[j][j];
    }
  }
  for (std::size_t i = 0; i < n; ++i) {  // L y = b
    for (std::size_t k = 0; k < i; ++k) b[i] -= a[i][k] * b[k];
    b[i] /= a[i][i];
  }
  for (std::size_t i = n; i-- > 0;) {  // L^T x = y
    for (std::size_t k = i + 1; k < n; ++k) b[i] -= a[k][i] * b[k];
    b[i] /= a[i][i];
  }
  return b;
}

// Logistic regression on figures standardised by the training samples' mean and spread, with a
// ridge of 1 (the figures are few and correlated: register and range, pace and span), fitted by
// Newton's method.
class Logistic {
 public:
  void fit(const Matrix& x, const std::vector<int>& y) {
    const std::size_t n = x.size(), d = x.front().size();
    mean_.assign(d, 0.0);
    scale_.assign(d, 0.0);
    for (const auto& row : x) {
      for (std::size_t j = 0; j < d; ++j) mean_[j] += row[j] / static_cast<double>(n);
    }
    for (const auto& row : x) {
      for (std::size_t j = 0; j < d; ++j) scale_[j] += std::pow(row[j] - mean_[j], 2) / n;
    }
    for (double& s : scale_) s = s > 1e-18 ? std::sqrt(s) : 1.0;
    w_.assign(d + 1, 0.0);  // the last is the intercept
    constexpr double kRidge = 1.0;
    for (int iteration = 0; iteration < 25; ++iteration) {
      std::vector<double> gradient(d + 1, 0.0);
      Matrix hessian(d + 1, std::vector<double>(d + 1, 0.0));
      for (std::size_t i = 0; i < n; ++i) {
        const std::vector<double> z = standardised(x[i]);
        const double p = sigmoid(dot(z));
        const double weight = std::max(p * (1 - p), 1e-9);
        for (std::size_t a = 0; a <= d; ++a) {
          gradient[a] += (p - y[i]) * z[a];
          for (std::size_t b = 0; b <= a; ++b) hessian[a][b] += weight * z[a] * z[b];
        }
      }
      for (std::size_t a = 0; a <= d; ++a) {
        for (std::size_t b = 0; b < a; ++b) hessian[b][a] = hessian[a][b];
        if (a < d) {  // the intercept is not shrunk
          gradient[a] += kRidge * w_[a];
          hessian[a][a] += kRidge;
        } else {
          hessian[a][a] += 1e-6;
        }
      }
      const std::vector<double> delta = solve_spd(hessian, gradient);
      double moved = 0;
      for (std::size_t a = 0; a <= d; ++a) {
        w_[a] -= delta[a];
        moved = std::max(moved, std::abs(delta[a]));
      }
      if (moved < 1e-8) break;
    }
  }
  double probability(const std::vector<double>& x) const { return sigmoid(dot(standardised(x))); }

 private:
  std::vector<double> standardised(const std::vector<double>& x) const {
    std::vector<double> z(x.size() + 1, 1.0);
    for (std::size_t j = 0; j < x.size(); ++j) z[j] = (x[j] - mean_[j]) / scale_[j];
    return z;
  }
  double dot(const std::vector<double>& z) const {
    return std::inner_product(z.begin(), z.end(), w_.begin(), 0.0);
  }
  std::vector<double> mean_, scale_, w_;
};

// Gradient-boosted decision stumps on the logistic loss (Friedman, 2001), each leaf's value a
// Newton step (as XGBoost's, with its L2 term), shrunk by the learning rate.
class BoostedStumps {
 public:
  void fit(const Matrix& x, const std::vector<int>& y) {
    const std::size_t n = x.size(), d = x.front().size();
    std::vector<std::vector<std::size_t>> order(d, std::vector<std::size_t>(n));
    for (std::size_t j = 0; j < d; ++j) {
      std::iota(order[j].begin(), order[j].end(), std::size_t{0});
      std::sort(order[j].begin(), order[j].end(),
                [&](std::size_t a, std::size_t b) { return x[a][j] < x[b][j]; });
    }
    const double positives = static_cast<double>(std::count(y.begin(), y.end(), 1));
    const double prior = std::clamp(positives / static_cast<double>(n), 1e-3, 1 - 1e-3);
    bias_ = std::log(prior / (1 - prior));
    std::vector<double> margin(n, bias_), g(n), h(n);
    stumps_.clear();
    for (int round = 0; round < kRounds; ++round) {
      for (std::size_t i = 0; i < n; ++i) {
        const double p = sigmoid(margin[i]);
        g[i] = p - y[i];
        h[i] = std::max(p * (1 - p), 1e-9);
      }
      const double g_all = std::accumulate(g.begin(), g.end(), 0.0);
      const double h_all = std::accumulate(h.begin(), h.end(), 0.0);
      Stump best;
      double best_gain = 0;
      for (std::size_t j = 0; j < d; ++j) {
        double gl = 0, hl = 0;
        for (std::size_t k = 0; k + 1 < n; ++k) {
          const std::size_t i = order[j][k];
          gl += g[i], hl += h[i];
          const double here = x[i][j], next = x[order[j][k + 1]][j];
          if (next <= here || k + 1 < kMinLeaf || n - k - 1 < kMinLeaf) continue;
          const double gr = g_all - gl, hr = h_all - hl;
          const double gain =
              gl * gl / (hl + kL2) + gr * gr / (hr + kL2) - g_all * g_all / (h_all + kL2);
          if (gain > best_gain) {
            best_gain = gain;
            best = {j, 0.5 * (here + next), -gl / (hl + kL2) * kShrink, -gr / (hr + kL2) * kShrink};
          }
        }
      }
      if (best_gain <= 0) break;
      stumps_.push_back(best);
      for (std::size_t i = 0; i < n; ++i) margin[i] += best.value(x[i]);
    }
  }
  double probability(const std::vector<double>& x) const {
    double m = bias_;
    for (const Stump& s : stumps_) m += s.value(x);
    return sigmoid(m);
  }

 private:
  static constexpr int kRounds = 150;
  static constexpr std::size_t kMinLeaf = 5;
  static constexpr double kL2 = 1.0, kShrink = 0.1;
  struct Stump {
    std::size_t figure = 0;
    double threshold = 0, below = 0, above = 0;
    double value(const std::vector<double>& x) const {
      return x[figure] < threshold ? below : above;
    }
  };
  double bias_ = 0;
  std::vector<Stump> stumps_;
};

}  // namespace

double roc_auc(std::span<const double> score, std::span<const int> label) {
  // Mann-Whitney U from the ranks of the scores, ties sharing their mean rank.
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  double rank_sum = 0, positives = 0;
  for (std::size_t k = 0; k < order.size();) {
    std::size_t end = k + 1;
    while (end < order.size() && score[order[end]] == score[order[k]]) ++end;
    const double rank = 0.5 * static_cast<double>(k + 1 + end);  // mean of ranks k+1 .. end
    for (std::size_t m = k; m < end; ++m) {
      if (label[order[m]] == 1) rank_sum += rank, positives += 1;
    }
    k = end;
  }
  const double negatives = static_cast<double>(score.size()) - positives;
  if (positives == 0 || negatives == 0) return 0.5;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

Separability separate(std::span<const LabelledFigures> samples, int folds, std::uint64_t seed) {
  if (samples.empty()) throw std::invalid_argument("no samples to classify");
  const std::size_t d = samples.front().figures.size();
  std::vector<int> groups;
  bool seen[2] = {false, false};
  for (const LabelledFigures& s : samples) {
    if (s.figures.size() != d) throw std::invalid_argument("samples differ in their figures");
    if (s.label != 0 && s.label != 1) throw std::invalid_argument("a label other than 0 or 1");
    seen[s.label] = true;
    groups.push_back(s.group);
  }
  if (!seen[0] || !seen[1]) throw std::invalid_argument("only one kind of sample");
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  if (folds < 2 || static_cast<int>(groups.size()) < folds) {
    throw std::invalid_argument("fewer groups of samples (" + std::to_string(groups.size()) +
                                ") than folds (" + std::to_string(folds) + ")");
  }
  std::shuffle(groups.begin(), groups.end(), std::mt19937_64(seed));
  // The shuffled groups dealt to the folds in turn; each sample's fold is its group's.
  std::vector<std::pair<int, int>> fold_by_group;
  for (std::size_t k = 0; k < groups.size(); ++k) {
    fold_by_group.push_back({groups[k], static_cast<int>(k) % folds});
  }
  std::sort(fold_by_group.begin(), fold_by_group.end());
  std::vector<int> fold_of;
  for (const LabelledFigures& s : samples) {
    fold_of.push_back(std::lower_bound(fold_by_group.begin(), fold_by_group.end(),
                                       std::pair<int, int>{s.group, -1})
                          ->second);
  }

  int logistic_right = 0, boosted_right = 0;
  for (int fold = 0; fold < folds; ++fold) {
    Matrix x;
    std::vector<int> y;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (fold_of[i] != fold) x.push_back(samples[i].figures), y.push_back(samples[i].label);
    }
    // A training part of one kind has nothing to learn: its held-out samples count as missed.
    if (std::count(y.begin(), y.end(), 1) == 0 || std::count(y.begin(), y.end(), 0) == 0) continue;
    Logistic logistic;
    BoostedStumps boosted;
    logistic.fit(x, y);
    boosted.fit(x, y);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (fold_of[i] != fold) continue;
      const bool model = samples[i].label == 1;
      logistic_right += (logistic.probability(samples[i].figures) >= 0.5) == model ? 1 : 0;
      boosted_right += (boosted.probability(samples[i].figures) >= 0.5) == model ? 1 : 0;
    }
  }

  Separability out;
  out.samples = static_cast<int>(samples.size());
  out.folds = folds;
  out.logistic_accuracy = static_cast<double>(logistic_right) / static_cast<double>(samples.size());
  out.boosted_accuracy = static_cast<double>(boosted_right) / static_cast<double>(samples.size());
  std::vector<int> labels;
  for (const LabelledFigures& s : samples) labels.push_back(s.label);
  for (std::size_t j = 0; j < d; ++j) {
    std::vector<double> score, of0, of1;
    for (const LabelledFigures& s : samples) {
      score.push_back(s.figures[j]);
      (s.label == 1 ? of1 : of0).push_back(s.figures[j]);
    }
    out.figures.push_back({j, roc_auc(score, labels), median(of0), median(of1)});
  }
  std::stable_sort(out.figures.begin(), out.figures.end(),
                   [](const FigureSeparation& a, const FigureSeparation& b) {
                     return a.strength() > b.strength();
                   });
  return out;
}

}  // namespace mlstm
