// Greedy decoding and beam search against references written here: a naive decoder that re-runs
// the whole prefix for every note (what the original project did), and exhaustive search.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "decode/beam_search.hpp"
#include "decode/figure_recall.hpp"
#include "decode/register_keep.hpp"
#include "midi/playability.hpp"
#include "model/feature_codec.hpp"
#include "support/tiny_model.hpp"

namespace mlstm {
namespace {

RunConfig classes_config() {
  return test::classes_config(2);
}

std::vector<NoteFeatures> context_of(const ModelConfig& m) {
  return test::figure(m.context_notes, 3);
}

// The outputs that predict note t of `notes`, by running the decoder over the start token and
// notes 0..t-1 from scratch.
HeadOutputs naive_outputs(NoteModelImpl& model, std::span<const NoteFeatures> context,
                          std::span<const NoteFeatures> notes, std::size_t t) {
  const NoteTensors ctx = notes_to_tensors(context, torch::kCPU);
  DecoderState state = model.start_decoding(ctx);
  const NoteTensors start = start_tokens(1, torch::TensorOptions().dtype(torch::kFloat32));
  const NoteTensors prefix = notes_to_tensors(notes.first(t), torch::kCPU);
  const NoteTensors input{torch::cat({start.pitch, prefix.pitch}, 1),
                          torch::cat({start.step, prefix.step}, 1),
                          torch::cat({start.duration, prefix.duration}, 1),
                          torch::cat({start.velocity, prefix.velocity}, 1)};
  const HeadOutputs all = model.decode(input, state);
  using torch::indexing::Slice;
  auto row = [&](const torch::Tensor& x) {
    return x.defined() ? x.index({Slice(), Slice(-1, torch::indexing::None)}) : x;
  };
  return {row(all.pitch), row(all.step), row(all.duration), row(all.velocity)};
}

double log_prob(const torch::Tensor& logits, int64_t cls, double temperature = 1.0) {
  return torch::log_softmax(logits.reshape({-1}) / temperature, 0)[cls].item<double>();
}

// The log-probability the search assigns to `notes`, computed the naive way.
double naive_score(NoteModelImpl& model, std::span<const NoteFeatures> context,
                   std::span<const NoteFeatures> notes, double temperature) {
  const ModelConfig& m = model.config();
  const TimeBins bins(m);
  const VelocityBins vb(m.velocity_bins);
  double score = 0;
  for (std::size_t t = 0; t < notes.size(); ++t) {
    const HeadOutputs o = naive_outputs(model, context, notes, t);
    score += log_prob(o.pitch, notes[t].pitch, temperature);
    if (m.time_head == HeadKind::kClasses) {
      score += log_prob(o.step, bins.to_class(notes[t].step), temperature);
      score += log_prob(o.duration, bins.to_class(notes[t].duration), temperature);
    }
    if (m.velocity && m.velocity_head == HeadKind::kClasses) {
      score += log_prob(o.velocity, vb.to_class(notes[t].velocity), temperature);
    }
  }
  return score;
}

TEST(BeamSearch, WidthOneIsTheNaiveGreedyDecoder) {
  for (RunConfig c : {test::tiny_config(), classes_config()}) {
    torch::manual_seed(3);
    NoteModel model(c.model);
    model->eval();
    torch::NoGradGuard no_grad;
    const auto context = context_of(c.model);
    SearchSettings s;
    s.width = 1;
    s.length = 12;
    s.min_duration = 0.0;
    s.playable = false;  // the reference knows no playability limits
    const SearchResult r = beam_search(*model, context, s);
    ASSERT_EQ(r.notes.size(), 12u);
    const TimeBins bins(c.model);
    for (std::size_t t = 0; t < r.notes.size(); ++t) {
      const HeadOutputs o = naive_outputs(*model, context, r.notes, t);
      EXPECT_EQ(r.notes[t].pitch, o.pitch.argmax(-1).item<int64_t>()) << "note " << t;
      if (c.model.time_head == HeadKind::kClasses) {
        EXPECT_EQ(bins.to_class(r.notes[t].step), o.step.argmax(-1).item<int64_t>()) << t;
      } else {
        EXPECT_NEAR(r.notes[t].step, std::clamp(o.step.item<double>(), 0.0, c.model.time_max), 1e-5)
            << t;
      }
    }
  }
}

TEST(BeamSearch, IncrementalDecoderEqualsTheNaiveOne) {
  RunConfig c = classes_config();
  torch::manual_seed(4);
  NoteModel model(c.model);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto context = context_of(c.model);
  const auto notes = test::figure(15, 5);
  // Incremental: one note at a time, carrying the state.
  DecoderState state = model->start_decoding(notes_to_tensors(context, torch::kCPU));
  NoteTensors input = start_tokens(1, torch::TensorOptions().dtype(torch::kFloat32));
  for (std::size_t t = 0; t < notes.size(); ++t) {
    const HeadOutputs inc = model->decode(input, state);
    const HeadOutputs ref = naive_outputs(*model, context, notes, t);
    EXPECT_TRUE(torch::allclose(inc.pitch, ref.pitch, 1e-5, 1e-5)) << "note " << t;
    EXPECT_TRUE(torch::allclose(inc.step, ref.step, 1e-5, 1e-5)) << "note " << t;
    EXPECT_TRUE(torch::allclose(inc.velocity, ref.velocity, 1e-5, 1e-5)) << "note " << t;
    input = notes_to_tensors(std::span(notes).subspan(t, 1), torch::kCPU);
  }
}

TEST(BeamSearch, FullWidthFindsTheExhaustiveBest) {
  // Three pitches allowed, regression timing: 3^4 = 81 sequences of 4 notes. A beam of 27 keeps
  // every prefix of 3 notes, so it must find the best of all 81.
  RunConfig c = test::tiny_config();
  torch::manual_seed(5);
  NoteModel model(c.model);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto context = context_of(c.model);
  SearchSettings s;
  s.width = 27;
  s.length = 4;
  s.min_pitch = 60;
  s.max_pitch = 62;
  s.min_duration = 0.0;
  const SearchResult beam = beam_search(*model, context, s);

  double best = -1e300;
  std::vector<int> best_pitches;
  for (int code = 0; code < 81; ++code) {
    std::vector<NoteFeatures> notes;
    double score = 0;
    for (int t = 0, rest = code; t < 4; ++t, rest /= 3) {
      const HeadOutputs o = naive_outputs(*model, context, notes, notes.size());
      const int pitch = 60 + rest % 3;
      score += log_prob(o.pitch, pitch);
      notes.push_back({pitch, std::clamp(o.step.item<double>(), 0.0, c.model.time_max),
                       std::clamp(o.duration.item<double>(), 0.0, c.model.time_max), 80});
    }
    if (score > best) {
      best = score;
      best_pitches.clear();
      for (const auto& n : notes) best_pitches.push_back(n.pitch);
    }
  }
  std::vector<int> got;
  for (const auto& n : beam.notes) got.push_back(n.pitch);
  EXPECT_EQ(got, best_pitches);
  EXPECT_NEAR(beam.log_prob, best, 1e-4);
}

TEST(BeamSearch, EachBeamKeepsItsOwnNotes) {
  // If the notes were not reordered with the beams, the winner's notes would belong to other
  // beams, and their naive score would not be the score the search reports.
  RunConfig c = classes_config();
  torch::manual_seed(6);
  NoteModel model(c.model);
  model->eval();
  const auto context = context_of(c.model);
  SearchSettings s;
  s.width = 6;
  s.length = 14;
  s.temperature = 1.3;
  s.min_duration = 0.0;
  const SearchResult r = beam_search(*model, context, s);
  torch::NoGradGuard no_grad;
  const double score = naive_score(*model, context, r.notes, 1.3);
  EXPECT_NEAR(r.log_prob, score, 1e-3);
  // And a wider beam never finds a worse sequence than greedy.
  s.width = 1;
  EXPECT_GE(r.log_prob, beam_search(*model, context, s).log_prob - 1e-6);
}

TEST(BeamSearch, RedecodingThePrefixGivesTheSameAnswer) {
  // The original algorithm (re-run the decoder over each prefix) and ours find the same notes.
  RunConfig c = classes_config();
  torch::manual_seed(7);
  NoteModel model(c.model);
  SearchSettings s;
  s.width = 5;
  s.length = 10;
  const SearchResult ours = beam_search(*model, context_of(c.model), s);
  s.redecode_prefix = true;
  const SearchResult naive = beam_search(*model, context_of(c.model), s);
  EXPECT_EQ(ours.notes, naive.notes);
  EXPECT_NEAR(ours.log_prob, naive.log_prob, 1e-4);
}

TEST(Sampling, TheSameSeedGivesTheSameNotes) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  for (Sampling method : {Sampling::kSample, Sampling::kStochasticBeam}) {
    SearchSettings s;
    s.sampling = method;
    s.width = 4;
    s.length = 16;
    s.temperature = 1.5;
    s.seed = 42;
    const auto a = beam_search(*model, context_of(c.model), s).notes;
    EXPECT_EQ(a, beam_search(*model, context_of(c.model), s).notes);
    s.seed = 43;
    EXPECT_NE(a, beam_search(*model, context_of(c.model), s).notes);
  }
}

TEST(Sampling, TopKOfOneIsGreedy) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  SearchSettings s;
  s.width = 1;
  s.length = 12;
  const auto greedy = beam_search(*model, context_of(c.model), s).notes;
  s.sampling = Sampling::kSample;
  s.top_k = 1;
  s.temperature = 2.0;
  EXPECT_EQ(beam_search(*model, context_of(c.model), s).notes, greedy);
  s.top_k = 0;
  s.top_p = 0.001;  // the smallest nucleus the knob takes: only the most likely class
  EXPECT_EQ(beam_search(*model, context_of(c.model), s).notes, greedy);
}

TEST(Sampling, StochasticBeamScoresAreTrueLogProbabilities) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  SearchSettings s;
  s.sampling = Sampling::kStochasticBeam;
  s.width = 4;
  s.length = 8;
  s.min_duration = 0.0;
  s.seed = 9;
  const auto context = context_of(c.model);
  const SearchResult r = beam_search(*model, context, s);
  torch::NoGradGuard no_grad;
  EXPECT_NEAR(r.log_prob, naive_score(*model, context, r.notes, 1.0), 1e-3);
}

TEST(Song, ChainsContinuationsToAnyLength) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  SearchSettings s;
  s.width = 2;
  s.length = 7;
  const auto song = continue_song(*model, context_of(c.model), 30, s);
  EXPECT_EQ(song.size(), 30u);
}

TEST(BeamSearch, KeepsThePitchRangeAndTheDurationFloor) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  SearchSettings s;
  s.min_pitch = 70;
  s.max_pitch = 72;
  s.min_duration = 0.05;
  for (const auto& n : beam_search(*model, context_of(c.model), s).notes) {
    EXPECT_GE(n.pitch, 70);
    EXPECT_LE(n.pitch, 72);
    EXPECT_GE(n.duration, 0.05);
    EXPECT_GE(n.step, 0.0);
  }
}

TEST(BeamSearch, KeepsThePitchClassesOfAScaleLockWithEverySamplingMethod) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  const std::uint16_t pentatonic = 0b0010'1001'0101;  // C D E G A
  for (const Sampling sampling : {Sampling::kBeam, Sampling::kStochasticBeam, Sampling::kSample}) {
    SearchSettings s;
    s.sampling = sampling;
    s.pitch_classes = pentatonic;
    s.temperature = 2.0;  // an untrained model at a high temperature would wander anywhere
    for (const auto& n : beam_search(*model, context_of(c.model), s).notes) {
      EXPECT_TRUE((pentatonic >> (n.pitch % 12)) & 1)
          << n.pitch << " with " << sampling_name(sampling);
    }
  }
}

TEST(BeamSearch, APitchClassSetWithNoPitchInTheRangeIsAnError) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  SearchSettings s;
  s.min_pitch = 61;
  s.max_pitch = 61;
  s.pitch_classes = 1;  // C only
  EXPECT_THROW(beam_search(*model, context_of(c.model), s), DecodeError);
  s.pitch_classes = 0x1FFF;
  s.max_pitch = 72;
  EXPECT_THROW(beam_search(*model, context_of(c.model), s), DecodeError);
}

TEST(BeamSearch, NextNoteModelContinuesToo) {
  RunConfig c = test::tiny_config(ModelKind::kNextNote);
  NoteModel model(c.model);
  SearchSettings s;
  s.width = 3;
  s.length = 5;
  EXPECT_EQ(beam_search(*model, test::figure(20), s).notes.size(), 5u);
}

// Greedy decoding of `length` notes, with no duration floor (so notes compare with the naive
// decoder's classes).
SearchSettings greedy(int length) {
  SearchSettings s;
  s.width = 1;
  s.length = length;
  s.min_duration = 0.0;
  return s;
}

// Greedy decoding the naive way: each of `r`'s pitches is the argmax of the naive decoder's pitch
// log-probabilities after `rules(lp, history)` changed them, where `history` holds the pitches
// before that note (the context's, then the answer's own).
template <typename Rules>
void expect_greedy_takes_the_argmax(NoteModelImpl& model, std::span<const NoteFeatures> context,
                                    const SearchResult& r, Rules&& rules) {
  std::vector<int> history;
  for (const auto& f : context) history.push_back(f.pitch);
  for (std::size_t t = 0; t < r.notes.size(); ++t) {
    const HeadOutputs o = naive_outputs(model, context, r.notes, t);
    auto lp = torch::log_softmax(o.pitch.reshape({-1}), 0);
    rules(lp, std::span<const int>(history));
    EXPECT_EQ(r.notes[t].pitch, lp.argmax().item<int64_t>()) << "note " << t;
    history.push_back(r.notes[t].pitch);
  }
}

// With a repetition penalty: the pitch whose log-probability minus penalty x (its count among the
// last `window` notes) is highest.
TEST(RepetitionPenalty, GreedyTakesThePenalisedArgmax) {
  for (const int window : {1, 4, 16}) {
    SCOPED_TRACE("window " + std::to_string(window));
    const RunConfig c = classes_config();
    torch::manual_seed(5);
    NoteModel model(c.model);
    model->eval();
    torch::NoGradGuard no_grad;
    const auto context = context_of(c.model);
    SearchSettings s = greedy(20);
    s.repetition_penalty = 0.7;
    s.repetition_window = window;
    const SearchResult r = beam_search(*model, context, s);
    ASSERT_EQ(r.notes.size(), 20u);
    expect_greedy_takes_the_argmax(
        *model, context, r, [&](torch::Tensor& lp, std::span<const int> history) {
          const auto recent = history.last(std::min<std::size_t>(window, history.size()));
          for (const int pitch : recent) lp[pitch] -= s.repetition_penalty;
        });
  }
}

TEST(FigureRecall, GreedyTakesTheArgmaxWithTheRecallAndThePenaltyEachOverItsWindow) {
  // The penalty reads the last 16 pitches, recall the last kRecallWindow: the context's, then the
  // answer's own.
  const RunConfig c = classes_config();
  torch::manual_seed(6);
  NoteModel model(c.model);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto context = context_of(c.model);
  SearchSettings s = greedy(40);
  s.repetition_penalty = 0.5;
  s.recall = 3.0;
  const SearchResult r = beam_search(*model, context, s);
  ASSERT_EQ(r.notes.size(), 40u);
  int recalled = 0;
  expect_greedy_takes_the_argmax(
      *model, context, r, [&](torch::Tensor& lp, std::span<const int> history) {
        for (const int pitch : history.last(std::min<std::size_t>(16, history.size()))) {
          lp[pitch] -= s.repetition_penalty;
        }
        std::vector<float> bonus(128, 0.0f);
        recall_figures(history, s.recall, bonus.data());
        for (int p = 0; p < 128; ++p) lp[p] += bonus[static_cast<std::size_t>(p)];
        const int chosen = r.notes[history.size() - context.size()].pitch;
        recalled += bonus[static_cast<std::size_t>(chosen)] > 0.0f;
      });
  // The context is a figure played again and again: recall had figures to complete.
  EXPECT_GT(recalled, 0);
}

TEST(RegisterKeep, TheAnswerLeansToTheBeamThatStaysInTheRegister) {
  const RunConfig c = classes_config();
  torch::manual_seed(7);
  NoteModel model(c.model);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto context = context_of(c.model);
  for (Sampling sampling : {Sampling::kBeam, Sampling::kStochasticBeam}) {
    SCOPED_TRACE(sampling_name(sampling));
    SearchSettings s;
    s.sampling = sampling;
    s.width = 8;
    s.length = 30;
    s.seed = 3;
    s.player_register = 40.0;
    const SearchResult likeliest = beam_search(*model, context, s);
    s.register_keep = kMaxRegisterKeep;
    const SearchResult kept = beam_search(*model, context, s);
    // Not likelier than the best-scoring beam, and nearer the register: by the choice's rule,
    // the score given up is at most kMaxRegisterKeep times the semitones gained.
    EXPECT_LE(kept.log_prob, likeliest.log_prob);
    const double gained = register_cost(likeliest.notes, 40.0) - register_cost(kept.notes, 40.0);
    EXPECT_GE(gained, 0.0);
    EXPECT_LE(likeliest.log_prob - kept.log_prob, kMaxRegisterKeep * gained + 1e-4);
    // One beam: nothing to choose from.
    s.width = 1;
    const SearchResult one = beam_search(*model, context, s);
    s.register_keep = 0.0;
    EXPECT_EQ(beam_search(*model, context, s).notes, one.notes);
  }
}

TEST(RegisterKeep, RecallAndRegisterOutsideTheirRangesAreErrors) {
  const RunConfig c = classes_config();
  NoteModel model(c.model);
  const auto context = context_of(c.model);
  SearchSettings s;
  s.recall = kMaxRecall + 1;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.recall = -1;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.recall = 0;
  s.register_keep = kMaxRegisterKeep + 1;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.register_keep = 1;
  s.player_register = 128;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.player_register = 60;
  EXPECT_NO_THROW(beam_search(*model, context, s));
}

TEST(RepetitionPenalty, AHeavyPenaltyKeepsPitchesFromRepeatingInTheWindow) {
  const RunConfig c = classes_config();
  torch::manual_seed(6);
  NoteModel model(c.model);
  const auto context = context_of(c.model);
  SearchSettings s;
  s.width = 4;
  s.length = 40;
  s.repetition_window = 12;
  const auto distinct_in_windows = [&](const std::vector<NoteFeatures>& notes) {
    for (std::size_t i = 0; i + 12 <= notes.size(); ++i) {
      std::set<int> seen;
      for (std::size_t k = i; k < i + 12; ++k) seen.insert(notes[k].pitch);
      if (seen.size() < 12) return false;
    }
    return true;
  };
  // An untrained model's pitch log-probabilities lie within a few nats of each other; 10 nats per
  // repeat outweighs that.
  s.repetition_penalty = 10.0;
  EXPECT_TRUE(distinct_in_windows(beam_search(*model, context, s).notes));
  // Without it, the same model repeats itself (what makes the check above able to fail).
  s.repetition_penalty = 0.0;
  EXPECT_FALSE(distinct_in_windows(beam_search(*model, context, s).notes));
}

// With sample_timing the beam searches the pitch head alone (so greedy takes the likeliest pitch
// after the notes it drew) and the timing classes come from the seed.
TEST(SampleTiming, SearchesThePitchesAndDrawsTheTiming) {
  const RunConfig c = classes_config();
  torch::manual_seed(7);
  NoteModel model(c.model);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto context = context_of(c.model);
  SearchSettings s = greedy(20);
  s.sample_timing = true;
  const SearchResult a = beam_search(*model, context, s);
  double pitch_score = 0;  // the score is the pitches' alone
  for (std::size_t t = 0; t < a.notes.size(); ++t) {
    const HeadOutputs o = naive_outputs(*model, context, a.notes, t);
    EXPECT_EQ(a.notes[t].pitch, o.pitch.argmax(-1).item<int64_t>()) << "note " << t;
    pitch_score += log_prob(o.pitch, a.notes[t].pitch);
  }
  EXPECT_NEAR(a.log_prob, pitch_score, 1e-3);
  const auto steps = [](const SearchResult& r) {
    std::vector<double> v;
    for (const auto& f : r.notes) v.push_back(f.step);
    return v;
  };
  EXPECT_EQ(steps(beam_search(*model, context, s)), steps(a)) << "the same seed, other timing";
  s.seed = 1;
  EXPECT_NE(steps(beam_search(*model, context, s)), steps(a)) << "another seed, the same timing";
}

// The timing temperature sharpens the step and duration heads alone: near 0, drawn timing is the
// likeliest class after the notes drawn so far; at 1, an untrained model's near-even classes are
// drawn all over (so the check can fail).
TEST(TimingTemperature, NearZeroDrawsTheLikeliestTiming) {
  const RunConfig c = classes_config();
  torch::manual_seed(7);
  NoteModel model(c.model);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto context = context_of(c.model);
  const TimeBins bins(c.model);
  SearchSettings s = greedy(20);
  s.sample_timing = true;
  s.playable = false;  // the limits would mask classes the raw head prefers
  const auto likeliest_steps = [&](const SearchResult& r) {
    int same = 0;
    for (std::size_t t = 0; t < r.notes.size(); ++t) {
      const HeadOutputs o = naive_outputs(*model, context, r.notes, t);
      const double step = bins.to_seconds(static_cast<int>(o.step.argmax(-1).item<int64_t>()));
      const double duration = std::max(
          s.min_duration, bins.to_seconds(static_cast<int>(o.duration.argmax(-1).item<int64_t>())));
      same += std::abs(r.notes[t].step - step) < 1e-9 &&
              std::abs(r.notes[t].duration - duration) < 1e-9;
    }
    return same;
  };
  s.timing_temperature = 0.01;  // the lowest the knob takes
  EXPECT_EQ(likeliest_steps(beam_search(*model, context, s)), 20);
  s.timing_temperature = 1.0;
  EXPECT_LT(likeliest_steps(beam_search(*model, context, s)), 10);
  s.timing_temperature = 0.0;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
}

// A model that wants every note at once (the step head's first class, or a negative step, far
// likelier than anything else): the likeliest path is one 50-note cluster. Every sampling method
// and timing keeps the playability limits anyway, and without them the answer is degenerate (so
// the test sees the failure it guards against).
TEST(Playability, EveryMethodKeepsTheLimitsWhenTheModelWantsOneInstant) {
  for (RunConfig c : {classes_config(), test::tiny_config()}) {
    torch::manual_seed(11);
    NoteModel model(c.model);
    model->eval();
    torch::NoGradGuard no_grad;
    auto bias = model->named_parameters()["step_head.bias"];
    if (c.model.time_head == HeadKind::kClasses) {
      bias[0] = 40.0f;
    } else {
      bias.fill_(-5.0f);
    }
    const auto context = context_of(c.model);
    SearchSettings s;
    s.length = 50;
    s.playable = false;
    EXPECT_TRUE(measure_playability(beam_search(*model, context, s).notes).degenerate());
    s.playable = true;
    for (Sampling sampling : {Sampling::kBeam, Sampling::kStochasticBeam, Sampling::kSample}) {
      for (bool drawn : {false, true}) {
        for (auto [cluster, pace] :
             {std::pair{kDefaultMaxCluster, kDefaultMaxPace},
              std::pair{kMaxPlayableCluster, kMaxPaceLimit}, std::pair{2, 4.0}}) {
          s.sampling = sampling;
          s.sample_timing = drawn;
          s.max_cluster = cluster;
          s.max_pace = pace;
          const Playability p = measure_playability(beam_search(*model, context, s).notes);
          const std::string what = std::string(sampling_name(sampling)) +
                                   (drawn ? ", drawn timing" : ", searched timing") + ", cluster " +
                                   std::to_string(cluster);
          EXPECT_FALSE(p.degenerate()) << what;
          EXPECT_LE(p.largest_cluster, cluster) << what;
          EXPECT_GE(p.span_seconds, (49.0 - cluster) / pace - 1e-6) << what;
        }
        // Tied to a player's 3 notes a second, twice as fast at most: 6 notes a second.
        s.max_cluster = kDefaultMaxCluster;
        s.max_pace = kDefaultMaxPace;
        s.player_pace = 3.0;
        s.pace_ratio = 2.0;
        const Playability p = measure_playability(beam_search(*model, context, s).notes);
        EXPECT_GE(p.span_seconds, (49.0 - kDefaultMaxCluster) / 6.0 - 1e-6)
            << sampling_name(sampling);
        s.player_pace = 0.0;
        s.pace_ratio = 0.0;
      }
    }
  }
}

TEST(Playability, LimitsOutsideTheirRangesAreErrors) {
  RunConfig c = classes_config();
  NoteModel model(c.model);
  const auto context = context_of(c.model);
  SearchSettings s;
  s.max_cluster = kMaxPlayableCluster + 1;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.max_cluster = kDefaultMaxCluster;
  s.max_pace = kMaxPaceLimit + 1;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.max_pace = kDefaultMaxPace;
  s.pace_ratio = kMaxPaceRatio + 1;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.pace_ratio = 1.0;
  s.player_pace = -1.0;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
}

TEST(BeamSearch, BadSettingsAndModelsAreErrors) {
  RunConfig c = test::tiny_config();
  NoteModel model(c.model);
  const auto context = context_of(c.model);
  SearchSettings s;
  s.width = 0;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s.width = 65;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s = {};
  s.temperature = 0.0;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s = {};
  EXPECT_THROW(beam_search(*model, test::figure(5), s), DecodeError);
  s.top_p = 0.0;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s = {};
  s.top_k = 200;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s = {};
  s.repetition_penalty = -0.5;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s = {};
  s.repetition_window = 0;
  EXPECT_THROW(beam_search(*model, context, s), DecodeError);
  s = {};
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->named_parameters()) {
      if (p.key() == "pitch_head.bias") p.value().fill_(NAN);
    }
  }
  try {
    beam_search(*model, context, s);
    FAIL() << "NaN logits gave notes";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos);
  }
}

}  // namespace
}  // namespace mlstm
