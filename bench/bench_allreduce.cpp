// The gradients' all-reduce of data-parallel training (training/dist/data_parallel.hpp), as a run
// of N ranks on this machine does it: Gloo over loopback, the gradients of a configuration's
// model weighted and summed in 25 MiB buckets. The ranks are threads of this process, each with
// its own process group and TCP connections (what crosses the loopback is what crosses it between
// processes). Prints one JSON line: the gradient bytes, and the median and p90 time of one
// all-reduce, for docs/SCALING.md.
//
//   bench_allreduce --config presets/training/default.json [--ranks 2] [--repeats 50]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <vector>

#include "dist/data_parallel.hpp"
#include "dist/local_ranks.hpp"
#include "dist/rank_group.hpp"
#include "model/model_config.hpp"
#include "model/note_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// The milliseconds of each all-reduce on one rank.
std::vector<double> rank_times(const mlstm::RunConfig& c, int rank, int ranks, int port,
                               int repeats) {
  mlstm::LaunchEnv env;
  env.rank = env.local_rank = rank;
  env.world_size = env.local_world_size = ranks;
  env.master_addr = "127.0.0.1";
  env.master_port = port;
  mlstm::RankGroup::Options o;
  o.backend = "gloo";
  mlstm::RankGroup group(env, o);
  mlstm::DataParallel dp(&group);
  torch::manual_seed(rank);
  mlstm::NoteModel model(c.model);
  std::vector<torch::Tensor> params = model->parameters();
  for (auto& p : params) p.mutable_grad() = torch::randn_like(p);
  std::vector<double> ms;
  for (int i = 0; i < repeats + 3; ++i) {  // the first few connect and warm up
    bool go = false;
    double t = 0;
    dp.agree_on_stop(go, t);  // every rank starts the same all-reduce together
    const auto t0 = Clock::now();
    dp.average_gradients(params, 1, ranks);
    if (i >= 3) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time of the gradients' all-reduce over loopback Gloo (docs/SCALING.md)"};
  std::string config;
  int ranks = 2, repeats = 50;
  app.add_option("--config", config, "Training configuration (presets/training/NAME.json)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--ranks", ranks, "Ranks (threads of this process)")
      ->capture_default_str()
      ->check(CLI::Range(2, 64));
  app.add_option("--repeats", repeats, "All-reduces timed")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);
  try {
    torch::set_num_threads(1);
    const mlstm::RunConfig c = mlstm::load_run_config(config);
    const int port = mlstm::free_loopback_port();
    std::vector<std::future<std::vector<double>>> all;
    for (int r = 0; r < ranks; ++r) {
      all.push_back(
          std::async(std::launch::async, rank_times, std::cref(c), r, ranks, port, repeats));
    }
    std::vector<double> ms;
    for (auto& f : all) {
      const auto t = f.get();
      if (ms.empty()) ms = t;  // rank 0's
    }
    std::sort(ms.begin(), ms.end());
    mlstm::NoteModel model(c.model);
    std::int64_t bytes = 0;
    for (const auto& p : model->parameters()) bytes += static_cast<std::int64_t>(p.nbytes());
    const double median = ms[ms.size() / 2], p90 = ms[ms.size() * 9 / 10];
    std::printf(
        "{\"config\": \"%s\", \"ranks\": %d, \"gradient_bytes\": %lld, \"buckets\": %lld, "
        "\"median_ms\": %.3f, \"p90_ms\": %.3f, \"bus_gb_per_s\": %.3f}\n",
        c.name.c_str(), ranks, static_cast<long long>(bytes),
        static_cast<long long>((bytes + mlstm::DataParallel::kBucketBytes - 1) /
                               mlstm::DataParallel::kBucketBytes),
        median, p90,
        // A ring all-reduce moves 2 (N - 1) / N of the bytes through each rank's link.
        2.0 * (ranks - 1) / ranks * static_cast<double>(bytes) / (median * 1e-3) / 1e9);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_allreduce: %s\n", e.what());
    return 1;
  }
  return 0;
}
