#pragma once
// What the training loop does differently when several ranks train one run (data parallelism),
// in one place, so that the loop reads the same for one rank and for many:
// - the parameters start as rank 0's (broadcast);
// - each rank takes its own contiguous part of every global batch (batch_size is the whole
//   batch, over all ranks), and of the validation windows;
// - the gradients are the mean over the global batch: each rank's are weighted by its share of
//   the batch and summed across ranks, in buckets of kBucketBytes;
// - the loss terms and validation figures that are logged, judged (not finite) and saved are the
//   global batch's and the whole validation set's, the same on every rank;
// - a stop (Ctrl-C or SIGTERM on any rank, the time budget on any rank) is every rank's;
// - on request, every N steps, the ranks' parameters are checked to be the same, bit for bit.
// With one rank (no RankGroup) each of these is the identity, and the run is exactly the run
// before data parallelism existed.
// [every rank, the training thread]: every rank makes the same calls in the same order.

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "dist/rank_group.hpp"
#include "model/note_loss.hpp"

namespace mlstm {

class DataParallel {
 public:
  // c10d's default bucket for DistributedDataParallel (25 MiB): large enough that the per-message
  // cost is spread, small enough that memory for the flat copy stays small.
  static constexpr std::int64_t kBucketBytes = 25LL << 20;

  // `group` null: one rank. `check_every` > 0: the parameters' agreement is checked at every
  // step that is a multiple of it.
  explicit DataParallel(RankGroup* group = nullptr, std::int64_t check_every = 0)
      : group_(group), check_every_(check_every) {}

  int rank() const { return group_ ? group_->rank() : 0; }
  int world_size() const { return group_ ? group_->world_size() : 1; }
  // Rank 0 writes the run's files and says what happens.
  bool lead() const { return rank() == 0; }

  // This rank's part [begin, end) of n items: contiguous, sizes that differ by at most one.
  std::pair<std::int64_t, std::int64_t> span(std::int64_t n) const;
  // This rank's part of a global batch's window ids (may be empty: fewer windows than ranks).
  torch::Tensor shard(const torch::Tensor& ids) const;

  void broadcast_parameters(const std::vector<torch::Tensor>& parameters);
  // Rank 0's `t` (same shape and type on every rank) and `text` on every rank.
  void broadcast(torch::Tensor& t, const char* what);
  void broadcast_text(std::string& text, const char* what);
  // Waits until every rank got to `name`, for as long as ranks may take to start (rank 0 may load
  // a checkpoint and measure a reference set while the others wait).
  void meet(const std::string& name);
  // The gradients of this rank's `local` windows of a `global` batch become the global batch's
  // mean gradient on every rank. A parameter without a gradient (an empty shard) counts as zero.
  void average_gradients(const std::vector<torch::Tensor>& parameters, std::int64_t local,
                         std::int64_t global);
  // The global batch's loss terms (scalar means) from this rank's (undefined when its shard was
  // empty); `velocity`: the model has a velocity head (the configuration's, the same everywhere).
  LossTerms combine_terms(const LossTerms& local, std::int64_t local_n, std::int64_t global_n,
                          bool velocity);
  // window_metrics' figures over this rank's span of `local_n` windows, to the figures of the
  // whole set (every window has the same notes, so each figure is a mean over windows).
  nlohmann::json combine_metrics(const nlohmann::json& local, std::int64_t local_n);
  // After each step, one decision for every rank: a stop asked for on any rank, and the training
  // time as the slowest rank counts it (so that the time budget ends every rank's run at the same
  // step and every rank's run state is the same).
  void agree_on_stop(bool& requested, double& train_seconds);
  // At the steps --dist-check asks for: throws TrainingError when the ranks' parameters differ.
  void check_agreement(const std::vector<torch::Tensor>& parameters, std::int64_t step);

 private:
  RankGroup* const group_;
  const std::int64_t check_every_;
};

}  // namespace mlstm
