// The fast search (decode/fast/) against the LibTorch search on many random contexts with the
// shipped model: the same notes, and log-probabilities within 1e-4 + 1e-6 of themselves (as
// numpy.isclose: the searches sum some 200 float32 log-probabilities, whose rounding grows with
// the sum: a sharp model's 50 searched notes reach 280 nats, where 1e-4 is 3 float32 steps), but
// for ties broken the other way by float rounding (counted, and bounded by --max-ties). A wrong
// head, step or state shows as 1e-2 or more.
//
//   fast_search_equality MODEL.ckpt [--contexts N] [--max-ties FRACTION]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <tuple>

#include "decode/beam_search.hpp"
#include "decode/fast/pack_model.hpp"
#include "model/checkpoint.hpp"
#include "support/tiny_model.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fast_search_equality MODEL.ckpt [--contexts N] [--max-ties F]\n");
    return 2;
  }
  int contexts = 1000;
  double max_ties = 0.01;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--contexts") contexts = std::atoi(argv[i + 1]);
    if (flag == "--max-ties") max_ties = std::atof(argv[i + 1]);
  }
  torch::set_num_threads(1);
  mlstm::NoteModel model = mlstm::load_model(argv[1]);
  model->eval();
  mlstm::fast::ModelSearch fast(*model);
  mlstm::SearchSettings searched = mlstm::default_search_settings();
  searched.sample_timing = false;
  // The jam's defaults on every context; searched timing on a fifth of them (the test's time).
  const std::tuple<const char*, mlstm::SearchSettings, int> settings[] = {
      {"the jam's defaults (drawn timing)", mlstm::default_search_settings(), contexts},
      {"searched timing", searched, std::max(1, contexts / 5)}};
  bool ok = true;
  for (const auto& [name, base, count] : settings) {
    std::mt19937 rng(2026);
    int same = 0, ties = 0;
    double worst = 0, worst_relative = 0;
    bool close = true;
    for (int i = 0; i < count; ++i) {
      mlstm::SearchSettings s = base;
      s.seed = static_cast<std::uint64_t>(i);
      const auto context = mlstm::test::random_notes(rng, model->config().context_notes);
      const mlstm::SearchResult a = mlstm::beam_search(*model, context, s);
      const mlstm::SearchResult b = fast(context, s);
      if (mlstm::test::same_notes(a.notes, b.notes)) {
        ++same;
        const double apart = std::abs(a.log_prob - b.log_prob);
        worst = std::max(worst, apart);
        close = close && apart <= 1e-4 + 1e-6 * std::abs(a.log_prob);
        worst_relative = std::max(worst_relative, apart / std::max(1.0, std::abs(a.log_prob)));
      } else {
        ++ties;
      }
    }
    const bool pass = close && ties <= max_ties * count;
    std::printf(
        "%s: %d contexts, %d the same notes (log-probabilities at most %.2g apart, %.2g of "
        "themselves), %d parted at a tie: %s\n",
        name, count, same, worst, worst_relative, ties, pass ? "ok" : "FAIL");
    ok = ok && pass;
  }
  return ok ? 0 : 1;
}
