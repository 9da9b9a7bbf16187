#include "dist/rank_group.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#ifdef MLSTM_WITH_C10D
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef MLSTM_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#endif

namespace mlstm {

bool distributed_training_built() {
#ifdef MLSTM_WITH_C10D
  return true;
#else
  return false;
#endif
}

#ifdef MLSTM_WITH_C10D
namespace {

std::vector<std::uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}
std::string text(const std::vector<std::uint8_t>& b) {
  return {b.begin(), b.end()};
}

// The first line of a c10d message (they carry a C++ backtrace after it).
std::string first_line(const std::string& what) {
  return what.substr(0, what.find('\n'));
}

}  // namespace

// The store and the group's operations. The group is held by lambdas on its concrete class: the
// classes' common base is ProcessGroup in LibTorch 1.13 (Debian) and Backend in 2.x (the GPU
// machine's), and both declare these operations.
struct RankGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&, c10d::ReduceOp)> allreduce;
  std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&)> broadcast;
  int failures = 0;  // the marks of lost() are per failure

  template <class Group>
  void hold(const c10::intrusive_ptr<Group>& pg) {
    allreduce = [pg](std::vector<at::Tensor>& t, c10d::ReduceOp op) {
      c10d::AllreduceOptions ao;
      ao.reduceOp = op;
      return pg->allreduce(t, ao);
    };
    broadcast = [pg](std::vector<at::Tensor>& t) { return pg->broadcast(t); };
  }
};

namespace {

// The rendezvous: rank 0 listens at MASTER_ADDR:MASTER_PORT, the others connect.
c10::intrusive_ptr<c10d::Store> open_store(const LaunchEnv& env,
                                           const RankGroup::Options& options) {
  const std::string at = env.master_addr + ":" + std::to_string(env.master_port);
  c10d::TCPStoreOptions so;
  so.port = static_cast<std::uint16_t>(env.master_port);
  so.isServer = env.rank == 0;
  so.numWorkers = env.world_size;
  so.waitWorkers = false;  // the ranks check each other below, with lines that say what is wrong
  so.timeout = options.join_timeout;
  try {
    return c10::make_intrusive<c10d::TCPStore>(env.master_addr, so);
  } catch (const std::exception& e) {
    const std::string why = first_line(e.what());
    if (env.rank == 0 &&
        (why.find("in use") != std::string::npos || why.find("EADDRINUSE") != std::string::npos)) {
      throw LaunchError("MASTER_PORT=" + std::to_string(env.master_port) +
                        " is in use on rank 0's machine: choose a free port (every rank the same)");
    }
    throw LaunchError(std::string(env.rank == 0 ? "rank 0 cannot listen at " : "cannot reach ") +
                      at + " (MASTER_ADDR, MASTER_PORT)" +
                      (env.rank == 0
                           ? ""
                           : " in " + std::to_string(options.join_timeout.count() / 1000) +
                                 " s: is rank 0 started, and the address its "
                                 "machine's?") +
                      ": " + why);
  }
}

// Two processes given the same rank, and ranks launched with other world sizes: each rank that
// sees it says so; then every rank waits for all to arrive.
void check_launch(c10d::Store& store, const LaunchEnv& env, const RankGroup::Options& options) {
  const std::string at = env.master_addr + ":" + std::to_string(env.master_port);
  // Two processes that were given the same rank, and ranks launched with other world sizes.
  if (store.add("rank-claims/" + std::to_string(env.rank), 1) > 1) {
    throw LaunchError("two processes were launched with RANK=" + std::to_string(env.rank) +
                      ": give each its own rank, 0 to " + std::to_string(env.world_size - 1));
  }
  // Counted as joined before its world size can be read: rank 0, seeing a world size that
  // disagrees, waits for every rank counted to have judged, and a rank read but not yet counted
  // would find the store gone under it ("Broken pipe" instead of its line).
  store.add("joined", 1);
  store.set("world/" + std::to_string(env.rank), bytes(std::to_string(env.world_size)));
  const auto disagree = [&](int other, const std::string& theirs) {
    // Rank 0 holds the store: it lets the ranks that joined read its world size first, so that
    // each of them says what is wrong too (instead of "connection reset").
    if (env.rank == 0) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (store.add("judged", 0) < store.add("joined", 0) - 1 &&
             std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    return LaunchError("WORLD_SIZE is " + std::to_string(env.world_size) + " on rank " +
                       std::to_string(env.rank) + " but " + theirs + " on rank " +
                       std::to_string(other) + ": launch every rank with the same WORLD_SIZE");
  };
  try {
    store.wait({"world/0"}, options.join_timeout);
    const std::string w0 = text(store.get("world/0"));
    if (env.rank != 0) store.add("judged", 1);
    if (w0 != std::to_string(env.world_size)) throw disagree(0, w0);
    std::vector<std::string> keys;
    for (int r = 0; r < env.world_size; ++r) keys.push_back("world/" + std::to_string(r));
    std::fprintf(stderr, "rank %d of %d: waiting for the other ranks at %s\n", env.rank,
                 env.world_size, at.c_str());
    store.wait(keys, options.join_timeout);
    for (int r = 0; r < env.world_size; ++r) {
      if (const std::string w = text(store.get(keys[static_cast<std::size_t>(r)]));
          w != std::to_string(env.world_size)) {
        throw disagree(r, w);
      }
    }
  } catch (const LaunchError&) {
    throw;
  } catch (const std::exception& e) {
    throw LaunchError("not every rank of " + std::to_string(env.world_size) + " joined at " + at +
                      " in " + std::to_string(options.join_timeout.count() / 1000) +
                      " s: start them all (RANK 0 to " + std::to_string(env.world_size - 1) +
                      ") with the same MASTER_ADDR and MASTER_PORT (" + first_line(e.what()) + ")");
  }
}

// The process group over the store: Gloo, or NCCL when built with it.
void open_group(RankGroup::Impl& impl, const LaunchEnv& env, const RankGroup::Options& options) {
  if (options.backend == "gloo") {
    auto o = c10d::ProcessGroupGloo::Options::create(options.timeout);
    // Loopback for a run on one machine; else the interface GLOO_SOCKET_IFNAME names (as in
    // PyTorch), or the one this machine's hostname resolves to.
    if (env.on_loopback()) {
      o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME")) {
      o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    } else {
      o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    // One thread moves the tensors: the gradients go as a few large buckets, in order.
    o->threads = 1;
    auto pg = c10::make_intrusive<c10d::ProcessGroupGloo>(impl.store, env.rank, env.world_size, o);
    impl.hold(pg);
  } else if (options.backend == "nccl") {
#ifdef MLSTM_WITH_NCCL
    auto o = c10d::ProcessGroupNCCL::Options::create();
    o->timeout = options.timeout;
    auto pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl.store, env.rank, env.world_size, o);
    impl.hold(pg);
#else
    throw LaunchError(
        "--dist-backend nccl: this build has no NCCL (LibTorch without CUDA, or configured "
        "without -DMUSIC_LSTM_NCCL=ON); use --dist-backend gloo");
#endif
  } else {
    throw LaunchError("--dist-backend " + options.backend + ": expected gloo or nccl");
  }
}

}  // namespace

RankGroup::RankGroup(const LaunchEnv& env, const Options& options)
    : env_(env), options_(options), impl_(std::make_unique<Impl>()) {
  impl_->store = open_store(env, options);
  check_launch(*impl_->store, env, options);
  open_group(*impl_, env, options);
  // Gloo's handshakes end at different times on each rank: a rank that had its connections and
  // left at once (a run with nothing to do, a test) closed them under a rank still in its own
  // ("Connection closed by peer", seen once in CI). So no rank goes on until every group is open,
  // and rank 0, which holds the store, goes on last: after each other rank has read that all
  // arrived (a store request is answered before it returns).
  wait_for_all("group-open", options.join_timeout);
  std::vector<std::string> seen;
  for (int r = 1; r < env.world_size; ++r) seen.push_back("group-open-seen/" + std::to_string(r));
  try {
    if (env.rank == 0) {
      impl_->store->wait(seen, options.join_timeout);
    } else {
      impl_->store->set(seen[static_cast<std::size_t>(env.rank - 1)], bytes("1"));
    }
  } catch (const std::exception& e) {
    lost("the group's opening", e);
  }
}

RankGroup::~RankGroup() = default;

namespace {

// Runs a collective on `t`, on the device its backend moves tensors from: Gloo's from the CPU,
// NCCL's from the rank's GPU (LOCAL_RANK). A tensor elsewhere goes through a copy there.
template <class Run>
void collective(RankGroup& g, torch::Tensor& t, const char* what, Run run) {
  const torch::Device on =
      g.backend() == "nccl"
          ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(g.local_rank()))
          : torch::Device(torch::kCPU);
  std::vector<at::Tensor> v{t.device() == on ? t : t.to(on)};
  try {
    run(v)->wait();
  } catch (const std::exception& e) {
    g.lost(what, e);
  }
  if (!v[0].is_same(t)) t.copy_(v[0]);
}

}  // namespace

void RankGroup::sum(torch::Tensor& t, const char* what) {
  collective(*this, t, what, [&](auto& v) { return impl_->allreduce(v, c10d::ReduceOp::SUM); });
}

void RankGroup::max(torch::Tensor& t, const char* what) {
  collective(*this, t, what, [&](auto& v) { return impl_->allreduce(v, c10d::ReduceOp::MAX); });
}

void RankGroup::broadcast_from_0(torch::Tensor& t, const char* what) {
  collective(*this, t, what, [&](auto& v) { return impl_->broadcast(v); });
}

void RankGroup::wait_for_all(const std::string& name, std::chrono::milliseconds timeout) {
  std::vector<std::string> keys;
  for (int r = 0; r < env_.world_size; ++r) keys.push_back(name + "/" + std::to_string(r));
  try {
    impl_->store->set(keys[static_cast<std::size_t>(env_.rank)], bytes("1"));
    impl_->store->wait(keys, timeout);
  } catch (const std::exception& e) {
    std::string missing;
    try {
      for (int r = 0; r < env_.world_size; ++r) {
        if (!impl_->store->check({keys[static_cast<std::size_t>(r)]})) {
          missing += (missing.empty() ? "" : ", ") + std::to_string(r);
        }
      }
    } catch (const std::exception&) {
      missing = "0 (it holds the rendezvous)";
    }
    throw RankLost("rank " + std::to_string(env_.rank) + " of " + std::to_string(env_.world_size) +
                   ": rank " + missing + " did not get to " + name + " in " +
                   std::to_string(timeout.count() / 1000) + " s (" + first_line(e.what()) + ")");
  }
}

void RankGroup::lost(const char* what, const std::exception& error) {
  // Each rank still here leaves a mark for this failure and, for a few seconds, looks for the
  // others' marks: a rank without one is gone (killed, its machine down) or stuck.
  const std::string mark = "still-here/" + std::to_string(impl_->failures++) + "/";
  std::string gone;
  try {
    impl_->store->set(mark + std::to_string(env_.rank), bytes("1"));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::vector<int> missing;
    do {
      missing.clear();
      for (int r = 0; r < env_.world_size; ++r) {
        if (!impl_->store->check({mark + std::to_string(r)})) missing.push_back(r);
      }
      if (missing.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < until);
    for (const int r : missing) gone += (gone.empty() ? "" : ", ") + std::to_string(r);
    if (gone.empty()) gone = "none (every rank is still here; the network failed)";
  } catch (const std::exception&) {
    gone = "0, which held the rendezvous";
  }
  throw RankLost("rank " + std::to_string(env_.rank) + " of " + std::to_string(env_.world_size) +
                 " stops: lost rank " + gone + " during " + what + " (" + first_line(error.what()) +
                 ")");
}

#else  // without c10d

struct RankGroup::Impl {};

RankGroup::RankGroup(const LaunchEnv& env, const Options& options) : env_(env), options_(options) {
  throw LaunchError(
      "WORLD_SIZE=" + std::to_string(env.world_size) +
      ": this build has no distributed training (it was configured without libgloo-dev: run "
      "scripts/setup.sh and build again)");
}
RankGroup::~RankGroup() = default;
void RankGroup::sum(torch::Tensor&, const char*) {}
void RankGroup::max(torch::Tensor&, const char*) {}
void RankGroup::broadcast_from_0(torch::Tensor&, const char*) {}
void RankGroup::wait_for_all(const std::string&, std::chrono::milliseconds) {}
void RankGroup::lost(const char*, const std::exception& error) {
  throw RankLost(error.what());
}

#endif

}  // namespace mlstm
