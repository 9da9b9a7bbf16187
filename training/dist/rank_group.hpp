#pragma once
// The processes of one data-parallel run, joined through PyTorch's own distributed engine (c10d):
// a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT (rank 0 hosts it), and a process group over it,
// Gloo for tensors on the CPU, NCCL for tensors on CUDA (built with MUSIC_LSTM_NCCL). The
// collectives here are the few the training loop needs; every rank calls them in the same order
// [every rank, the training thread].
//
// A collective that fails (a rank died: its connections close at once; a machine dropped out:
// the group's timeout passes) throws TrainingError with one line that names the ranks that are
// gone: the ranks still there each leave a mark in the store and read the others' (the store is
// rank 0's, so when it cannot be reached, rank 0 is the one gone).

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "dist/launch_env.hpp"

namespace mlstm {

// A rank of the run is gone (or the network between them failed): the line names it.
class RankLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// c10d is in this build (libgloo-dev was there when it was configured).
bool distributed_training_built();

class RankGroup {
 public:
  struct Options {
    std::string backend;  // "gloo" or "nccl"
    // How long a collective waits for the other ranks before the run stops with one line.
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    // How long the rendezvous waits for every rank to arrive (ranks start at different times).
    std::chrono::milliseconds join_timeout{std::chrono::minutes(10)};
  };

  // Joins the run's other ranks; throws LaunchError for a launch that cannot work (a port in use,
  // an address that does not resolve, world sizes that disagree) and TrainingError when a rank
  // never arrives.
  RankGroup(const LaunchEnv& env, const Options& options);
  ~RankGroup();
  RankGroup(const RankGroup&) = delete;
  RankGroup& operator=(const RankGroup&) = delete;

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  int local_rank() const { return env_.local_rank; }
  const std::string& backend() const { return options_.backend; }
  std::chrono::milliseconds join_timeout() const { return options_.join_timeout; }

  // In place, across every rank; `what` names the operation in a failure's line.
  void sum(torch::Tensor& t, const char* what);
  void max(torch::Tensor& t, const char* what);
  void broadcast_from_0(torch::Tensor& t, const char* what);
  // (Tensors may be anywhere: each goes through a copy on the backend's device when it is not.)
  // Waits until every rank got here, up to `timeout` (longer than the group's: ranks load their
  // data at their own pace).
  void wait_for_all(const std::string& name, std::chrono::milliseconds timeout);

  // Failures: a collective that threw `error` during `what`: the line that names who is gone.
  [[noreturn]] void lost(const char* what, const std::exception& error);

  // The store and the process group (c10d's types stay in the .cpp).
  struct Impl;

 private:
  const LaunchEnv env_;
  const Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlstm
