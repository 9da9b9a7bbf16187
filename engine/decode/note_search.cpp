#include "decode/note_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "decode/chosen_note.hpp"
#include "decode/figure_recall.hpp"
#include "decode/log_softmax.hpp"
#include "decode/loop_control.hpp"
#include "decode/register_keep.hpp"
#include "decode/search_checks.hpp"
#include "model/feature_codec.hpp"

namespace mlstm {
namespace {

constexpr float kOff = -std::numeric_limits<float>::infinity();

// The `k` largest of `values` (value, index), largest first; equal values by index. By insertion
// into the k kept so far: k is the beam width (8 by default) and values a head (at most 128), where
// sorting every value was a twentieth of an answer. Only values at least the k-th largest of the
// maxima of blocks of 8 are tried: k blocks hold a value that large, so the k-th largest value is
// too, and the few values that pass are the ones insertion has work for (the pitch head's 128 for
// every beam at every note).
void top_k(std::span<const float> values, int k, std::vector<std::pair<float, int>>& out) {
  out.clear();
  constexpr std::size_t kBlock = 8, kMaxBlocks = 16;
  const std::size_t blocks = values.size() / kBlock;
  float bound = -std::numeric_limits<float>::infinity();
  if (blocks <= kMaxBlocks && blocks >= static_cast<std::size_t>(k)) {
    float maxima[kMaxBlocks] = {};
    for (std::size_t b = 0; b < blocks; ++b) {
      maxima[b] = *std::max_element(values.begin() + static_cast<std::ptrdiff_t>(b * kBlock),
                                    values.begin() + static_cast<std::ptrdiff_t>((b + 1) * kBlock));
    }
    std::nth_element(maxima, maxima + (k - 1), maxima + blocks, std::greater<>());
    bound = maxima[k - 1];
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    if (v < bound) continue;
    if (static_cast<int>(out.size()) == k && !(v > out.back().first)) continue;
    // After every kept value at least as large: an equal value with a lower index stays first.
    std::size_t at = out.size();
    while (at > 0 && out[at - 1].first < v) --at;
    if (static_cast<int>(out.size()) == k) out.pop_back();
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), {v, static_cast<int>(i)});
  }
}

double log1mexp(double x) {
  return x > -0.6931471805599453 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
}

// The class heads in the order the searches add them: pitch, step, duration, velocity.
enum Head { kPitch = 0, kStep = 1, kDuration = 2, kVelocity = 3 };

}  // namespace

NoteSearch::NoteSearch(NoteDecoder& decoder) : decoder_(decoder) {}

void NoteSearch::add_head(std::vector<Candidate>& candidates, std::span<const float> log_probs,
                          int width, int head) {
  const int k = std::min<int>(width, static_cast<int>(log_probs.size()));
  top_k(log_probs, k, top_);
  if (candidates.empty()) {
    for (const auto& [score, cls] : top_) {
      Candidate c;
      c.score = score;
      c.classes[head] = cls;
      candidates.push_back(c);
    }
    return;
  }
  // Every candidate with each of the head's best k classes; the best `width` of those sums.
  merged_.clear();
  for (const Candidate& c : candidates) {
    for (const auto& [score, cls] : top_) {
      Candidate m = c;
      m.score = c.score + score;
      m.classes[head] = cls;
      merged_.push_back(m);
    }
  }
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(width), merged_.size());
  merge_order_.resize(merged_.size());
  for (std::size_t i = 0; i < merged_.size(); ++i) merge_order_[i] = static_cast<int>(i);
  std::partial_sort(merge_order_.begin(), merge_order_.begin() + static_cast<std::ptrdiff_t>(n),
                    merge_order_.end(), [&](int a, int b) {
                      const float sa = merged_[static_cast<std::size_t>(a)].score;
                      const float sb = merged_[static_cast<std::size_t>(b)].score;
                      return sa > sb || (sa == sb && a < b);  // ties: the earlier sum first
                    });
  candidates.clear();
  for (std::size_t i = 0; i < n; ++i) {
    candidates.push_back(merged_[static_cast<std::size_t>(merge_order_[i])]);
  }
}

SearchResult NoteSearch::operator()(std::span<const NoteFeatures> context,
                                    const SearchSettings& s) {
  const ModelConfig& m = decoder_.config();
  check_search(s, m, context.size());
  if (s.width > decoder_.max_beams() && s.sampling != Sampling::kSample) {
    throw DecodeError("this decoder holds at most " + std::to_string(decoder_.max_beams()) +
                      " beams");
  }
  const DecoderLayout layout = decoder_.layout();
  const TimeBins time_bins(m);
  const VelocityBins velocity_bins(m.velocity_bins);
  const bool time_classes = m.time_head == HeadKind::kClasses;
  const bool velocity_classes = m.velocity && m.velocity_head == HeadKind::kClasses;
  const int width = s.sampling == Sampling::kSample ? 1 : s.width;
  Draws& draws = draws_;
  draws.reseed(s.seed);

  // The class heads: where each one's outputs start and how many there are.
  std::vector<HeadSpan>& class_heads = class_heads_;
  class_heads.assign(1, {kPitch, 0, DecoderLayout::kPitchOutputs, s.temperature});
  const double timing_temperature = s.temperature * s.timing_temperature;
  if (time_classes) {
    class_heads.push_back({kStep, layout.step_at(), layout.step_outputs, timing_temperature});
    class_heads.push_back(
        {kDuration, layout.duration_at(), layout.duration_outputs, timing_temperature});
  }
  if (velocity_classes) {
    class_heads.push_back(
        {kVelocity, layout.velocity_at(), layout.velocity_outputs, s.temperature});
  }
  // With drawn timing the beam searches the pitch head only.
  const bool draw_timing = s.sample_timing && s.sampling != Sampling::kSample;
  const std::size_t searched = draw_timing ? 1 : class_heads.size();

  std::array<float, 128>& pitch_mask = pitch_mask_;
  pitch_mask.fill(kOff);
  for (int p = s.min_pitch; p <= s.max_pitch; ++p) {
    if ((s.pitch_classes >> (p % 12)) & 1) pitch_mask[static_cast<std::size_t>(p)] = 0.0f;
  }
  const bool penalise = s.repetition_penalty > 0.0;
  const bool loops = controls_loops(s);
  const bool recall = s.recall > 0.0;
  const auto window = static_cast<std::size_t>(s.repetition_window);
  // The pitches the rules look back over: the repetition rules' window, and recall's.
  const std::size_t look_back = std::max(window, recall ? kRecallWindow : std::size_t{0});
  const std::span<const NoteFeatures> seen = context.last(std::min(look_back, context.size()));
  std::vector<double>& step_seconds = step_seconds_;
  step_seconds.clear();
  if (time_classes) {
    for (int cls = 0; cls < time_bins.bins(); ++cls)
      step_seconds.push_back(time_bins.to_seconds(cls));
  }

  // The decoder reads the context; its first input: the start token (seq2seq), or the context's
  // last note (next-note).
  inputs_.clear();
  inputs_.push_back(decoder_.start(context));
  // Every per-beam array holds at least `width` beams, each room for the whole answer, and none
  // is ever shrunk: the loop below only copies into arrays that have grown already, so that it
  // allocates nothing once an answer of this width and length has been searched.
  const auto slots = static_cast<std::size_t>(width);
  for (auto* beams : {&beams_, &next_beams_}) {
    if (beams->size() < slots) beams->resize(slots);
    for (auto& b : *beams) b.reserve(static_cast<std::size_t>(s.length));
  }
  beams_[0].clear();
  if (s.playable) {
    const OnsetLimits first(context, s.max_cluster,
                            answer_pace_limit(s.max_pace, s.player_pace, s.pace_ratio),
                            s.time_scale);
    for (auto* limits : {&limits_, &next_limits_}) {
      if (limits->size() < slots) limits->resize(slots, first);
    }
    limits_[0] = first;
  }
  scores_.assign(1, 0.0);
  perturbed_.assign(1, 0.0);

  for (int step = 0; step < s.length; ++step) {
    decoder_.step(inputs_);
    const int live = decoder_.beams();
    if (heads_.size() < static_cast<std::size_t>(live))
      heads_.resize(static_cast<std::size_t>(live));
    if (candidates_.size() < static_cast<std::size_t>(live)) {
      candidates_.resize(static_cast<std::size_t>(live));
    }
    int per_beam = 0;
    for (int b = 0; b < live; ++b) {
      const std::span<const float> out = decoder_.outputs(b);
      for (const float v : out) {
        if (!std::isfinite(v))
          throw DecodeError("the model computed NaN or infinity; no note was produced");
      }
      std::vector<float>& lp = heads_[static_cast<std::size_t>(b)];
      lp.assign(out.begin(), out.end());
      for (std::size_t i = 0; i < class_heads.size(); ++i) {
        const HeadSpan& hs = class_heads[i];
        float* row = lp.data() + hs.offset;
        if (i < searched) {
          log_softmax(row, hs.size, static_cast<float>(hs.temperature));
        } else {
          // A drawn head's log-probabilities only go to the draw, which normalises them itself:
          // the outputs at the temperature draw the same.
          const auto t = static_cast<float>(hs.temperature);
          if (t != 1.0f) std::for_each(row, row + hs.size, [t](float& x) { x /= t; });
        }
      }
      for (std::size_t p = 0; p < 128; ++p) lp[p] += pitch_mask[p];
      if (penalise || loops || recall) {
        // The beam's last `look_back` pitches (the context's, then its own): at most 256,
        // gathered on the fly; each rule reads its own window's last ones.
        const std::vector<NoteFeatures>& own = beams_[static_cast<std::size_t>(b)];
        const std::size_t from_own = std::min(look_back, own.size());
        const std::size_t from_context = std::min(look_back - from_own, seen.size());
        int gathered[256];
        std::size_t heard = 0;
        for (std::size_t i = seen.size() - from_context; i < seen.size(); ++i) {
          gathered[heard++] = seen[i].pitch;
        }
        for (std::size_t i = own.size() - from_own; i < own.size(); ++i) {
          gathered[heard++] = own[i].pitch;
        }
        const std::span<const int> recent =
            std::span<const int>(gathered, heard).last(std::min(heard, window));
        if (penalise) {
          // How often each pitch occurs among them.
          const auto penalty = static_cast<float>(s.repetition_penalty);
          float counts[128] = {};
          for (const int p : recent) counts[p] += 1.0f;
          for (std::size_t p = 0; p < 128; ++p) lp[p] -= counts[p] * penalty;
        }
        if (loops) penalise_repeated_figures(recent, s, lp.data());
        if (recall) recall_figures({gathered, heard}, s.recall, lp.data());
      }
      if (time_classes && s.playable) {
        const double min_step = limits_[static_cast<std::size_t>(b)].min_step();
        for (std::size_t cls = 0; cls + 1 < step_seconds.size(); ++cls) {
          if (step_seconds[cls] < min_step - 1e-9)
            lp[static_cast<std::size_t>(class_heads[1].offset) + cls] = kOff;
        }
      }
      std::vector<Candidate>& cand = candidates_[static_cast<std::size_t>(b)];
      cand.clear();
      if (s.sampling == Sampling::kSample) {
        Candidate one;
        for (std::size_t i = 0; i < class_heads.size(); ++i) {
          const HeadSpan& hs = class_heads[i];
          const std::span<const float> row{lp.data() + hs.offset,
                                           static_cast<std::size_t>(hs.size)};
          const int cls = draws.sample(row, s.top_k, s.top_p);
          one.classes[hs.head] = cls;
          one.score += row[static_cast<std::size_t>(cls)];
        }
        cand.push_back(one);
      } else {
        for (std::size_t i = 0; i < searched; ++i) {
          const HeadSpan& hs = class_heads[i];
          add_head(cand, {lp.data() + hs.offset, static_cast<std::size_t>(hs.size)}, width,
                   hs.head);
        }
      }
      per_beam = static_cast<int>(cand.size());
    }

    // The best `width` candidates over all beams (by their Gumbel scores in stochastic beam).
    const auto all = static_cast<std::size_t>(live * per_beam);
    total_.resize(all);
    rank_.resize(all);
    for (int b = 0; b < live; ++b) {
      for (int j = 0; j < per_beam; ++j) {
        const auto i = static_cast<std::size_t>(b * per_beam + j);
        total_[i] =
            scores_[static_cast<std::size_t>(b)] +
            static_cast<double>(
                candidates_[static_cast<std::size_t>(b)][static_cast<std::size_t>(j)].score);
        rank_[i] = total_[i];
      }
    }
    if (s.sampling == Sampling::kStochasticBeam) {
      // Kool et al. (2019), eq. 10-11: perturb each child, then condition on its parent's score.
      for (std::size_t i = 0; i < all; ++i) {
        const double u = std::clamp(draws.uniform(), 1e-12, 1.0 - 1e-12);
        rank_[i] = total_[i] - std::log(-std::log(u));  // g, for now
      }
      for (int b = 0; b < live; ++b) {
        const auto row = static_cast<std::size_t>(b * per_beam);
        double z = -std::numeric_limits<double>::infinity();
        for (int j = 0; j < per_beam; ++j)
          z = std::max(z, rank_[row + static_cast<std::size_t>(j)]);
        const double parent_g = perturbed_[static_cast<std::size_t>(b)];
        for (int j = 0; j < per_beam; ++j) {
          double& g = rank_[row + static_cast<std::size_t>(j)];
          const double v = parent_g - g + log1mexp(g - z);
          g = parent_g - std::max(v, 0.0) - std::log1p(std::exp(-std::abs(v)));
        }
      }
    }
    const auto chosen = std::min<std::size_t>(static_cast<std::size_t>(width), all);
    order_.resize(all);
    for (std::size_t i = 0; i < all; ++i) order_[i] = static_cast<int>(i);
    std::partial_sort(
        order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(chosen), order_.end(),
        [&](int a, int b) {
          return rank_[static_cast<std::size_t>(a)] > rank_[static_cast<std::size_t>(b)] ||
                 (rank_[static_cast<std::size_t>(a)] == rank_[static_cast<std::size_t>(b)] &&
                  a < b);
        });
    order_.resize(chosen);

    // The chosen children: their classes (searched, then drawn head by head for every child, in
    // the order the LibTorch search draws them) and the regression heads' values.
    parents_.resize(chosen);
    int classes[64][4];
    for (std::size_t i = 0; i < chosen; ++i) {
      const int pos = order_[i];
      parents_[i] = pos / per_beam;
      const Candidate& cand = candidates_[static_cast<std::size_t>(parents_[i])]
                                         [static_cast<std::size_t>(pos % per_beam)];
      std::copy(std::begin(cand.classes), std::end(cand.classes), classes[i]);
    }
    if (draw_timing) {
      for (std::size_t k = 1; k < class_heads.size(); ++k) {
        const HeadSpan& hs = class_heads[k];
        for (std::size_t i = 0; i < chosen; ++i) {
          const std::vector<float>& lp = heads_[static_cast<std::size_t>(parents_[i])];
          classes[i][hs.head] =
              draws.sample({lp.data() + hs.offset, static_cast<std::size_t>(hs.size)});
        }
      }
    }
    next_scores_.resize(chosen);
    next_perturbed_.resize(chosen);
    inputs_.resize(chosen);
    for (std::size_t i = 0; i < chosen; ++i) {
      const auto from = static_cast<std::size_t>(parents_[i]);
      const std::span<const float> out = decoder_.outputs(parents_[i]);
      // A class head's class, or a regression head's value on the parent's row.
      const auto value = [&](int column) {
        return static_cast<double>(out[static_cast<std::size_t>(column)]);
      };
      const int step_at = layout.step_at();
      const int duration_at = layout.duration_at();
      const int velocity_at = layout.velocity_at();
      HeadChoices heads;
      heads.pitch = classes[i][kPitch];
      heads.step = time_classes ? classes[i][kStep] : value(step_at);
      heads.duration = time_classes ? classes[i][kDuration] : value(duration_at);
      if (m.velocity)
        heads.velocity = velocity_classes ? classes[i][kVelocity] : value(velocity_at);
      NoteFeatures f = chosen_note(m, s, time_bins, velocity_bins, heads);
      if (s.playable) {
        // A regression head is raised to the limit; a class head's masked classes never win.
        if (!time_classes)
          f.step = std::max(f.step, std::min(limits_[from].min_step(), m.time_max));
        next_limits_[i] = limits_[from];
        next_limits_[i].add(f.step);
      }
      next_beams_[i] = beams_[from];
      next_beams_[i].push_back(f);
      next_scores_[i] = total_[static_cast<std::size_t>(order_[i])];
      next_perturbed_[i] = rank_[static_cast<std::size_t>(order_[i])];
      inputs_[i] = f;
    }
    beams_.swap(next_beams_);
    limits_.swap(next_limits_);
    scores_.swap(next_scores_);
    perturbed_.swap(next_perturbed_);
    decoder_.reorder(parents_);
  }
  // The answer: the best-scoring beam, or with register_keep the best less its register's move.
  std::size_t top = 0;
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < scores_.size(); ++i) {
    double v = scores_[i];
    if (s.register_keep > 0.0) v -= s.register_keep * register_cost(beams_[i], s.player_register);
    if (v > best) {
      best = v;
      top = i;
    }
  }
  return {beams_[top], scores_[top]};
}

}  // namespace mlstm
