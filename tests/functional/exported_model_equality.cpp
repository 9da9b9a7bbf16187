// An exported model (model/exported_model.hpp) against the checkpoint it was exported from, with
// the shipped model on many random contexts: the exported file, read with no LibTorch, gives
// exactly the answers (notes and log-probabilities) of the checkpoint's fast path, and the
// LibTorch search's answers within the fast decoder's bounds (fast_search_equality.cpp: the same
// notes, log-probabilities within 1e-4 + 1e-6 of themselves, ties broken the other way by float
// rounding counted and bounded by --max-ties).
//
//   exported_model_equality MODEL.ckpt WORKDIR [--contexts N] [--max-ties FRACTION]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "decode/beam_search.hpp"
#include "decode/fast/pack_model.hpp"
#include "model/checkpoint.hpp"
#include "model/exported_model.hpp"
#include "support/tiny_model.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: exported_model_equality MODEL.ckpt WORKDIR [--contexts N] "
                 "[--max-ties F]\n");
    return 2;
  }
  int contexts = 1000;
  double max_ties = 0.01;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--contexts") contexts = std::atoi(argv[i + 1]);
    if (flag == "--max-ties") max_ties = std::atof(argv[i + 1]);
  }
  torch::set_num_threads(1);
  const mlstm::Checkpoint ck = mlstm::read_checkpoint(argv[1]);
  mlstm::NoteModel model(ck.config.model);
  mlstm::load_model_weights(*model, ck, argv[1]);
  model->eval();
  std::filesystem::create_directories(argv[2]);
  const auto file = std::filesystem::path(argv[2]) / "exported.mlstm";
  mlstm::write_exported_model({ck.config, mlstm::fast::pack_model(*model)}, file);
  mlstm::fast::PackedSearch exported(mlstm::read_exported_model(file).packed);
  mlstm::fast::ModelSearch checkpoint(*model);

  std::mt19937 rng(2027);
  int identical = 0, same_as_torch = 0, ties = 0, torch_checked = 0;
  double worst = 0;
  bool close = true;
  const mlstm::Sampling samplings[] = {mlstm::Sampling::kStochasticBeam, mlstm::Sampling::kBeam,
                                       mlstm::Sampling::kSample};
  for (int i = 0; i < contexts; ++i) {
    mlstm::SearchSettings s = mlstm::default_search_settings();
    s.seed = static_cast<std::uint64_t>(i);
    s.sampling = samplings[i % 3];
    s.width = 1 + (i % 8);
    const auto context = mlstm::test::random_notes(rng, model->config().context_notes);
    const mlstm::SearchResult a = exported(context, s);
    const mlstm::SearchResult b = checkpoint(context, s);
    identical += a.notes == b.notes && a.log_prob == b.log_prob;
    // LibTorch's search on every fifth context (the test's time).
    if (i % 5 != 0) continue;
    ++torch_checked;
    const mlstm::SearchResult t = mlstm::beam_search(*model, context, s);
    if (mlstm::test::same_notes(a.notes, t.notes)) {
      ++same_as_torch;
      const double apart = std::abs(a.log_prob - t.log_prob);
      worst = std::max(worst, apart);
      close = close && apart <= 1e-4 + 1e-6 * std::abs(t.log_prob);
    } else {
      ++ties;
    }
  }
  std::printf(
      "exported model %s (%ju bytes): %d of %d answers identical to the checkpoint's fast path; "
      "against LibTorch's search %d of %d the same (%d ties of float rounding, at most %.0f%% "
      "allowed), log-probabilities at most %.2g apart\n",
      file.c_str(), static_cast<std::uintmax_t>(std::filesystem::file_size(file)), identical,
      contexts, same_as_torch, torch_checked, ties, 100 * max_ties, worst);
  const bool ok =
      identical == contexts && close && ties <= static_cast<int>(max_ties * torch_checked);
  if (!ok) std::fprintf(stderr, "FAIL: the exported model answers differently\n");
  return ok ? 0 : 1;
}
