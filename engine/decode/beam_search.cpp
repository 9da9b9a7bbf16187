#include "decode/beam_search.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "decode/chosen_note.hpp"
#include "decode/draws.hpp"
#include "decode/search_checks.hpp"
#include "model/feature_codec.hpp"

namespace mlstm {
namespace {

// The log-probabilities of one head's classes for every live beam: [beams, classes].
torch::Tensor head_log_probs(const torch::Tensor& logits, double temperature) {
  auto l = logits.index({torch::indexing::Slice(), -1}).to(torch::kFloat32) / temperature;
  return torch::log_softmax(l, -1);
}

// Candidates of every beam: their summed log-probabilities [beams, n] and, per searched head, the
// class each one takes [beams, n].
struct Candidates {
  torch::Tensor score;
  std::vector<torch::Tensor> classes;  // one per searched head, in the order added
};

// Adds one head: every candidate times the head's best `width` classes, keeping the best `width`.
void add_head(Candidates& c, const torch::Tensor& log_probs, int width) {
  const int64_t k = std::min<int64_t>(width, log_probs.size(1));
  auto [hs, hi] = log_probs.topk(k, 1);
  if (!c.score.defined()) {
    c.score = hs;
    c.classes.push_back(hi);
    return;
  }
  const int64_t n = c.score.size(1);
  auto sum = (c.score.unsqueeze(2) + hs.unsqueeze(1)).reshape({c.score.size(0), n * k});
  auto [best, pos] = sum.topk(std::min<int64_t>(width, n * k), 1);
  const auto from = torch::div(pos, k, "floor");
  for (auto& cls : c.classes) cls = cls.gather(1, from);
  c.classes.push_back(hi.gather(1, pos.remainder(k)));
  c.score = best;
}

// One class per row, drawn from softmax(log_probs) after top-k and top-p filtering (on the host:
// decode/draws.hpp); returns the drawn classes [rows, 1] and their log-probabilities [rows, 1]
// (before filtering).
std::pair<torch::Tensor, torch::Tensor> sample_head(const torch::Tensor& log_probs, int top_k,
                                                    double top_p, Draws& draws) {
  const auto lp = log_probs.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t rows = lp.size(0), classes = lp.size(1);
  auto cls = torch::empty({rows, 1}, torch::kInt64);
  auto chosen = torch::empty({rows, 1}, torch::kFloat32);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = lp.data_ptr<float>() + r * classes;
    const int c = draws.sample({row, static_cast<std::size_t>(classes)}, top_k, top_p);
    cls[r][0] = c;
    chosen[r][0] = row[c];
  }
  return {cls, chosen};
}

// log(1 - exp(x)) for x <= 0, accurately.
torch::Tensor log1mexp(const torch::Tensor& x) {
  return torch::where(x > -0.6931471805599453, torch::log(-torch::expm1(x)),
                      torch::log1p(-torch::exp(x)));
}

// How often each pitch occurs among each beam's last `window` notes (the context's, then the
// beam's own): [beams, 128].
torch::Tensor repetition_counts(const std::vector<int>& context_pitches,
                                const std::vector<std::vector<NoteFeatures>>& beams,
                                std::size_t window) {
  auto counts = torch::zeros({static_cast<int64_t>(beams.size()), 128}, torch::kFloat32);
  auto c = counts.accessor<float, 2>();
  for (std::size_t b = 0; b < beams.size(); ++b) {
    const auto& own = beams[b];
    const std::size_t from_own = std::min(window, own.size());
    const std::size_t from_context = std::min(window - from_own, context_pitches.size());
    const auto row = static_cast<int64_t>(b);
    for (std::size_t i = context_pitches.size() - from_context; i < context_pitches.size(); ++i) {
      c[row][context_pitches[i]] += 1.0f;
    }
    for (std::size_t i = own.size() - from_own; i < own.size(); ++i) c[row][own[i].pitch] += 1.0f;
  }
  return counts;
}

// 0 for each step class a beam may take, -inf for those that would start its next note sooner
// than its limits allow: [beams, classes]. The longest class always stays, so a row is never
// empty.
torch::Tensor step_mask(const std::vector<double>& min_steps, const std::vector<double>& seconds) {
  const auto classes = static_cast<int64_t>(seconds.size());
  auto mask = torch::zeros({static_cast<int64_t>(min_steps.size()), classes}, torch::kFloat32);
  auto m = mask.accessor<float, 2>();
  for (std::size_t b = 0; b < min_steps.size(); ++b) {
    for (int64_t c = 0; c + 1 < classes; ++c) {
      if (seconds[static_cast<std::size_t>(c)] < min_steps[b] - 1e-9) {
        m[static_cast<int64_t>(b)][c] = -std::numeric_limits<float>::infinity();
      }
    }
  }
  return mask;
}

void check_finite(const torch::Tensor& finite) {
  if (!finite.item<bool>()) {
    throw DecodeError("the model computed NaN or infinity; no note was produced");
  }
}

}  // namespace

NoteTensors notes_to_tensors(std::span<const NoteFeatures> notes, const torch::Device& device) {
  const auto n = static_cast<int64_t>(notes.size());
  auto pitch = torch::empty({1, n}, torch::kInt64);
  auto step = torch::empty({1, n}, torch::kFloat32);
  auto duration = torch::empty({1, n}, torch::kFloat32);
  auto velocity = torch::empty({1, n}, torch::kFloat32);
  for (int64_t i = 0; i < n; ++i) {
    const NoteFeatures& f = notes[static_cast<std::size_t>(i)];
    pitch[0][i] = f.pitch;
    step[0][i] = f.step;
    duration[0][i] = f.duration;
    velocity[0][i] = f.velocity;
  }
  return NoteTensors{pitch, step, duration, velocity}.to(device);
}

SearchResult beam_search(NoteModelImpl& model, std::span<const NoteFeatures> context,
                         const SearchSettings& s) {
  const ModelConfig& m = model.config();
  check_search(s, m, context.size());
  torch::NoGradGuard no_grad;
  model.eval();
  const torch::Device device = model.parameters().front().device();
  const TimeBins time_bins(m);
  const VelocityBins velocity_bins(m.velocity_bins);
  const bool time_classes = m.time_head == HeadKind::kClasses;
  const bool velocity_classes = m.velocity && m.velocity_head == HeadKind::kClasses;

  const NoteTensors ctx =
      notes_to_tensors(context.last(static_cast<std::size_t>(m.context_notes)), device);
  DecoderState state = model.start_decoding(ctx);
  // What the decoder reads first: the start token (seq2seq) or the context itself (next-note).
  NoteTensors input =
      m.kind == ModelKind::kSeq2Seq
          ? start_tokens(1, torch::TensorOptions().dtype(torch::kFloat32).device(device))
          : ctx;
  const int width = s.sampling == Sampling::kSample ? 1 : s.width;
  Draws draws(s.seed);
  std::vector<std::vector<NoteFeatures>> beams(1);  // each beam's notes so far
  // Kept on the device: every copy to the host waits for the device (slow on a GPU).
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64).device(device);
  torch::Tensor scores = torch::zeros({1}, f64);     // log-probabilities
  torch::Tensor perturbed = torch::zeros({1}, f64);  // stochastic beam: Gumbel scores
  torch::Tensor finite = torch::ones({}, torch::TensorOptions().dtype(torch::kBool).device(device));
  // redecode_prefix: the decoder's first state and each beam's whole input so far.
  const DecoderState first_state = state;
  NoteTensors prefix = input;
  auto pitch_mask = torch::full({128}, -std::numeric_limits<float>::infinity());
  for (int p = s.min_pitch; p <= s.max_pitch; ++p) {
    if ((s.pitch_classes >> (p % 12)) & 1) pitch_mask[p] = 0.0f;
  }
  pitch_mask = pitch_mask.to(device);
  // Repetition penalty: the pitches before the answer that the window can still see.
  const bool penalise = s.repetition_penalty > 0.0;
  const std::size_t window = static_cast<std::size_t>(s.repetition_window);
  std::vector<int> context_pitches;
  for (const NoteFeatures& f : context.last(std::min(window, context.size()))) {
    context_pitches.push_back(f.pitch);
  }
  // Playability: each beam's earliest next onset, kept by masking the step classes that come
  // sooner (or raising a regression head's step to it).
  std::vector<OnsetLimits> limits;
  if (s.playable) limits.emplace_back(context, s.max_cluster, s.max_pace, s.time_scale);
  std::vector<double> min_steps;
  std::vector<double> step_seconds;  // each step class's seconds
  if (time_classes) {
    for (int c = 0; c < time_bins.bins(); ++c) {
      step_seconds.push_back(time_bins.to_seconds(c));
    }
  }

  for (int step = 0; step < s.length; ++step) {
    HeadOutputs out;
    if (s.redecode_prefix) {
      DecoderState fresh =
          first_state.select(torch::zeros({prefix.batch()}, torch::kInt64).to(device));
      out = model.decode(prefix, fresh);
    } else {
      out = model.decode(input, state);
    }
    // NaN or infinity anywhere gives an error, never a note: checked once at the end (one wait
    // for the device), or at every step when sampling (sampling cannot draw from NaN).
    finite = finite & torch::isfinite(out.pitch).all() & torch::isfinite(out.step).all() &
             torch::isfinite(out.duration).all();
    if (m.velocity) finite = finite & torch::isfinite(out.velocity).all();
    if (s.sampling == Sampling::kSample) check_finite(finite);

    std::vector<torch::Tensor> heads = {head_log_probs(out.pitch, s.temperature) + pitch_mask};
    if (penalise) {
      heads[0] = heads[0] - repetition_counts(context_pitches, beams, window)
                                .mul_(static_cast<float>(s.repetition_penalty))
                                .to(device);
    }
    min_steps.clear();
    for (const OnsetLimits& l : limits) min_steps.push_back(l.min_step());
    if (time_classes) {
      const double timing_temperature = s.temperature * s.timing_temperature;
      auto step_head = head_log_probs(out.step, timing_temperature);
      if (s.playable) step_head = step_head + step_mask(min_steps, step_seconds).to(device);
      heads.push_back(step_head);
      heads.push_back(head_log_probs(out.duration, timing_temperature));
    }
    if (velocity_classes) heads.push_back(head_log_probs(out.velocity, s.temperature));
    // With sample_timing the beam searches the pitch head only; the others are drawn below, for
    // the chosen notes.
    std::vector<torch::Tensor> drawn_heads;
    if (s.sample_timing && s.sampling != Sampling::kSample) {
      drawn_heads.assign(heads.begin() + 1, heads.end());
      heads.resize(1);
    }
    Candidates cand;
    if (s.sampling == Sampling::kSample) {
      cand.score = torch::zeros({1, 1});
      for (const auto& h : heads) {
        auto [cls, lp] = sample_head(h, s.top_k, s.top_p, draws);
        cand.classes.push_back(cls.to(device));
        cand.score = cand.score + lp;
      }
      cand.score = cand.score.to(device);
    } else {
      for (const auto& h : heads) add_head(cand, h, width);
    }

    // The best `width` candidates over all beams (by their Gumbel scores in stochastic beam).
    const int64_t per_beam = cand.score.size(1);
    auto total = scores.unsqueeze(1) + cand.score.to(torch::kFloat64);
    torch::Tensor rank = total.reshape({-1});
    torch::Tensor child_perturbed;
    if (s.sampling == Sampling::kStochasticBeam) {
      // Kool et al. (2019), eq. 10-11: perturb each child, then condition on its parent's score.
      auto u = torch::empty(total.sizes(), torch::kFloat64);
      for (int64_t i = 0; i < u.numel(); ++i) u.data_ptr<double>()[i] = draws.uniform();
      u = u.clamp(1e-12, 1.0 - 1e-12).to(device);
      auto g = total - torch::log(-torch::log(u));
      auto z = std::get<0>(g.max(1, true));
      auto parent_g = perturbed.unsqueeze(1);
      auto v = parent_g - g + log1mexp(g - z);
      child_perturbed = parent_g - v.clamp_min(0) - torch::log1p(torch::exp(-v.abs()));
      rank = child_perturbed.reshape({-1});
    }
    const auto pos = std::get<1>(rank.topk(std::min<int64_t>(width, rank.size(0))));
    const auto best = total.reshape({-1}).index_select(0, pos);
    if (child_perturbed.defined()) perturbed = child_perturbed.reshape({-1}).index_select(0, pos);
    const auto parent = torch::div(pos, per_beam, "floor");
    // What the new notes need, in one copy to the host: the parent beam, the class of each
    // searched head, then the regression heads' values on the parent's row.
    std::vector<torch::Tensor> fields = {parent.to(torch::kFloat64)};
    for (const auto& cls : cand.classes) {
      fields.push_back(cls.reshape({-1}).index_select(0, pos).to(torch::kFloat64));
    }
    for (const auto& h : drawn_heads) {
      auto cls = sample_head(h.index_select(0, parent), 0, 1.0, draws).first;
      fields.push_back(cls.reshape({-1}).to(torch::kFloat64).to(device));
    }
    auto regression = [&](const torch::Tensor& head) {
      return head.index({torch::indexing::Slice(), -1, 0})
          .index_select(0, parent)
          .to(torch::kFloat64);
    };
    if (!time_classes) {
      fields.push_back(regression(out.step));
      fields.push_back(regression(out.duration));
    }
    if (m.velocity && !velocity_classes) fields.push_back(regression(out.velocity));
    const torch::Tensor host = torch::stack(fields).to(torch::kCPU);
    const auto field = host.accessor<double, 2>();
    std::vector<std::vector<NoteFeatures>> next_beams;
    std::vector<OnsetLimits> next_limits;
    std::vector<NoteFeatures> new_notes;
    for (int64_t i = 0; i < pos.size(0); ++i) {
      int k = 1;  // the next field: pitch, then the searched classes, then regression values
      auto next_field = [&] { return field[k++][i]; };
      HeadChoices h;
      h.pitch = static_cast<int>(next_field());
      if (time_classes) {
        h.step = next_field();
        h.duration = next_field();
      }
      if (velocity_classes) h.velocity = next_field();
      if (!time_classes) {
        h.step = next_field();
        h.duration = next_field();
      }
      if (m.velocity && !velocity_classes) h.velocity = next_field();
      NoteFeatures f = chosen_note(m, s, time_bins, velocity_bins, h);
      const auto from = static_cast<std::size_t>(field[0][i]);
      if (s.playable) {
        // A regression head is raised to the limit; a class head's masked classes never win.
        if (!time_classes) f.step = std::max(f.step, std::min(min_steps[from], m.time_max));
        next_limits.push_back(limits[from]);
        next_limits.back().add(f.step);
      }
      auto notes = beams[from];
      notes.push_back(f);
      next_beams.push_back(std::move(notes));
      new_notes.push_back(f);
    }
    // The state (or the whole input, when re-decoding) and the notes move with their beam.
    beams = std::move(next_beams);
    limits = std::move(next_limits);
    scores = best;
    // The new notes as the next input: one copy to the device.
    auto rows = torch::empty({4, static_cast<int64_t>(new_notes.size())}, torch::kFloat32);
    auto row = rows.accessor<float, 2>();
    for (std::size_t i = 0; i < new_notes.size(); ++i) {
      const auto j = static_cast<int64_t>(i);
      row[0][j] = static_cast<float>(new_notes[i].pitch);
      row[1][j] = static_cast<float>(new_notes[i].step);
      row[2][j] = static_cast<float>(new_notes[i].duration);
      row[3][j] = static_cast<float>(new_notes[i].velocity);
    }
    rows = rows.to(device);
    input = {rows[0].to(torch::kInt64).view({-1, 1}), rows[1].view({-1, 1}), rows[2].view({-1, 1}),
             rows[3].view({-1, 1})};
    if (s.redecode_prefix) {
      auto extend = [&](const torch::Tensor& p, const torch::Tensor& x) {
        return torch::cat({p.index_select(0, parent), x}, 1);
      };
      prefix = {extend(prefix.pitch, input.pitch), extend(prefix.step, input.step),
                extend(prefix.duration, input.duration), extend(prefix.velocity, input.velocity)};
    } else {
      state = state.select(parent);
    }
  }
  check_finite(finite);
  const torch::Tensor final_scores = scores.to(torch::kCPU);
  const int64_t top = final_scores.argmax().item<int64_t>();
  return {beams[static_cast<std::size_t>(top)], final_scores[top].item<double>()};
}

std::vector<NoteFeatures> continue_song(NoteModelImpl& model, std::span<const NoteFeatures> prime,
                                        int total, const SearchSettings& settings) {
  return continue_song_with([&](std::span<const NoteFeatures> song,
                                const SearchSettings& s) { return beam_search(model, song, s); },
                            prime, total, settings);
}

}  // namespace mlstm
