// Data-parallel training's parts (training/dist/) with real c10d: two ranks as two threads, each
// its own RankGroup on a Gloo process group over loopback, joined through a TCPStore. What a
// rank computes must be what one process computes on the whole batch; a bad launch and a rank
// that goes get one line each.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <future>

#include "data/window_file.hpp"
#include "dist/data_parallel.hpp"
#include "dist/local_ranks.hpp"
#include "dist/rank_group.hpp"
#include "model/checkpoint.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_model.hpp"
#include "train/trainer.hpp"

namespace mlstm {
namespace {

LaunchEnv env(int rank, int world, int port) {
  LaunchEnv e;
  e.rank = rank;
  e.local_rank = rank;
  e.world_size = world;
  e.local_world_size = world;
  e.master_addr = "127.0.0.1";
  e.master_port = port;
  return e;
}

RankGroup::Options gloo(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  RankGroup::Options o;
  o.backend = "gloo";
  o.timeout = timeout;
  o.join_timeout = std::chrono::seconds(20);
  return o;
}

// Runs body(rank) on `world` threads, each with its group; returns what each returned.
template <class T>
std::vector<T> on_ranks(int world, const std::function<T(RankGroup&)>& body) {
  const int port = free_loopback_port();
  std::vector<std::future<T>> ranks;
  for (int r = 0; r < world; ++r) {
    ranks.push_back(std::async(std::launch::async, [=] {
      RankGroup g(env(r, world, port), gloo());
      return body(g);
    }));
  }
  std::vector<T> out;
  for (auto& f : ranks) out.push_back(f.get());
  return out;
}

TEST(DataParallel, OneRankIsTheIdentity) {
  DataParallel dp;
  EXPECT_EQ(dp.world_size(), 1);
  EXPECT_TRUE(dp.lead());
  const torch::Tensor ids = torch::arange(7);
  EXPECT_TRUE(dp.shard(ids).equal(ids));
  const auto [b, e] = dp.span(5);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(e, 5);
  torch::Tensor p = torch::ones({3}, torch::requires_grad());
  p.mutable_grad() = torch::full({3}, 2.0);
  dp.average_gradients({p}, 3, 3);
  EXPECT_TRUE(p.grad().equal(torch::full({3}, 2.0)));
}

TEST(DataParallel, EachRankTakesItsPartOfTheGlobalBatch) {
  const auto parts = on_ranks<std::vector<std::int64_t>>(3, [](RankGroup& g) {
    DataParallel dp(&g);
    const torch::Tensor mine = dp.shard(torch::arange(10, 18));  // 8 windows over 3 ranks
    std::vector<std::int64_t> ids(mine.data_ptr<std::int64_t>(),
                                  mine.data_ptr<std::int64_t>() + mine.numel());
    const auto [b, e] = dp.span(2);  // fewer windows than ranks: the last rank's part is empty
    ids.push_back(-(e - b));
    return ids;
  });
  EXPECT_EQ(parts[0], (std::vector<std::int64_t>{10, 11, 12, -1}));
  EXPECT_EQ(parts[1], (std::vector<std::int64_t>{13, 14, 15, -1}));
  EXPECT_EQ(parts[2], (std::vector<std::int64_t>{16, 17, 0}));
}

// Rank 0 holds 3 windows of a batch of 4, rank 1 one: the mean gradient over the batch is
// (3 g0 + 1 g1) / 4 on both, over several buckets (a parameter above kBucketBytes alone in one).
TEST(DataParallel, GradientsBecomeTheGlobalBatchsMean) {
  const std::int64_t big = DataParallel::kBucketBytes / 4 + 10;  // floats: over one bucket
  const auto grads = on_ranks<std::vector<torch::Tensor>>(2, [big](RankGroup& g) {
    DataParallel dp(&g);
    const double v = g.rank() == 0 ? 1.0 : 5.0;
    std::vector<torch::Tensor> params;
    for (const std::int64_t n : {std::int64_t{3}, big, std::int64_t{4}}) {
      torch::Tensor p = torch::zeros({n}, torch::requires_grad());
      p.mutable_grad() = torch::full({n}, v) + torch::arange(n, torch::kFloat32) * 0.0f;
      params.push_back(p);
    }
    // A parameter with no gradient (the empty shard's case) counts as zero.
    params.push_back(torch::zeros({2}, torch::requires_grad()));
    if (g.rank() == 1) params.back().mutable_grad() = torch::full({2}, 4.0);
    dp.average_gradients(params, g.rank() == 0 ? 3 : 1, 4);
    std::vector<torch::Tensor> out;
    for (auto& p : params) out.push_back(p.grad().clone());
    return out;
  });
  for (int r = 0; r < 2; ++r) {
    const auto& g = grads[static_cast<std::size_t>(r)];
    EXPECT_TRUE(g[0].allclose(torch::full({3}, 2.0)));  // (3 * 1 + 1 * 5) / 4
    EXPECT_TRUE(g[1].allclose(torch::full({big}, 2.0)));
    EXPECT_TRUE(g[2].allclose(torch::full({4}, 2.0)));
    EXPECT_TRUE(g[3].allclose(torch::full({2}, 1.0)));  // (3 * 0 + 1 * 4) / 4
  }
  EXPECT_TRUE(grads[0][1].equal(grads[1][1])) << "the same bytes on every rank";
}

TEST(DataParallel, LossesAndFiguresAreTheWholeSets) {
  const auto out = on_ranks<std::pair<double, double>>(2, [](RankGroup& g) {
    DataParallel dp(&g);
    LossTerms t;
    if (g.rank() == 0) {  // rank 1's part of this batch is empty
      for (torch::Tensor* x : {&t.total, &t.pitch, &t.step, &t.duration, &t.velocity}) {
        *x = torch::tensor(3.0);
      }
    }
    const LossTerms all = dp.combine_terms(t, g.rank() == 0 ? 2 : 0, 2, true);
    const nlohmann::json m = dp.combine_metrics(
        {{"loss", g.rank() == 0 ? 1.0 : 4.0}, {"name", "kept"}}, g.rank() == 0 ? 1 : 2);
    EXPECT_EQ(m.at("name"), "kept");
    EXPECT_TRUE(all.velocity.defined());
    return std::pair{all.total.item<double>(), m.at("loss").get<double>()};
  });
  for (const auto& [loss, figure] : out) {
    EXPECT_DOUBLE_EQ(loss, 3.0);
    EXPECT_DOUBLE_EQ(figure, 3.0);  // (1 * 1 + 2 * 4) / 3
  }
}

TEST(DataParallel, AStopOnAnyRankIsEveryRanks) {
  const auto out = on_ranks<std::pair<bool, double>>(2, [](RankGroup& g) {
    DataParallel dp(&g);
    bool stop = g.rank() == 1;
    double seconds = g.rank() == 0 ? 12.5 : 3.0;
    dp.agree_on_stop(stop, seconds);
    return std::pair{stop, seconds};
  });
  for (const auto& [stop, seconds] : out) {
    EXPECT_TRUE(stop);
    EXPECT_EQ(seconds, 12.5) << "the slowest rank's time, the same everywhere";
  }
}

TEST(DataParallel, TheChecksumSeesRanksThatDiffer) {
  const auto out = on_ranks<std::string>(2, [](RankGroup& g) {
    DataParallel dp(&g, 5);
    torch::Tensor p = torch::ones({4});
    dp.check_agreement({p}, 5);  // the same: passes
    dp.check_agreement({p}, 6);  // not a step to check
    if (g.rank() == 1) p[2] = 1.0f + 1e-6f;
    try {
      dp.check_agreement({p}, 10);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  });
  for (const auto& e : out) EXPECT_NE(e.find("the ranks' parameters differ at step 10"), e.npos);
}

TEST(DataParallel, ARankThatGoesIsNamed) {
  const int port = free_loopback_port();
  std::promise<void> gone;
  auto rank1 = std::async(std::launch::async, [&] {
    {
      RankGroup g(env(1, 2, port), gloo());
      torch::Tensor t = torch::ones({1});
      g.sum(t, "a first sum");
    }  // its connections close, as a killed process's do
    gone.set_value();
  });
  RankGroup g(env(0, 2, port), gloo());
  torch::Tensor t = torch::ones({1});
  g.sum(t, "a first sum");
  EXPECT_EQ(t.item<float>(), 2.0f);
  rank1.get();
  gone.get_future().get();
  try {
    g.sum(t, "the gradients' all-reduce");
    FAIL() << "a sum without rank 1 cannot finish";
  } catch (const RankLost& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank 0 of 2 stops: lost rank 1 during the gradients' all-reduce"),
              what.npos)
        << what;
    EXPECT_EQ(what.find('\n'), what.npos) << "one line";
  }
}

TEST(DataParallel, BadLaunchesSayWhatIsWrong) {
  // A port that another program holds.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  try {
    RankGroup g(env(0, 2, ntohs(a.sin_port)), gloo());
    FAIL() << "rank 0 cannot listen on a port in use";
  } catch (const LaunchError& e) {
    EXPECT_NE(std::string(e.what()).find("is in use on rank 0's machine: choose a free port"),
              std::string::npos)
        << e.what();
  }
  ::close(fd);

  // World sizes that disagree: each rank says so.
  const int port = free_loopback_port();
  auto other = std::async(std::launch::async, [port]() -> std::string {
    try {
      RankGroup g(env(1, 3, port), gloo());
    } catch (const LaunchError& e) {
      return e.what();
    }
    return "";
  });
  try {
    RankGroup g(env(0, 2, port), gloo());
    FAIL() << "rank 0 of 2 cannot train with a rank of 3";
  } catch (const LaunchError& e) {
    EXPECT_EQ(std::string(e.what()),
              "WORLD_SIZE is 2 on rank 0 but 3 on rank 1: launch every rank with the same "
              "WORLD_SIZE");
  }
  EXPECT_EQ(other.get(),
            "WORLD_SIZE is 3 on rank 1 but 2 on rank 0: launch every rank with the same "
            "WORLD_SIZE");
}

// The ranks of one machine share the windows through a mapped file: what a batch gathers from it
// is what it gathers from the set in memory; a file that is not one, or cut short, is one line.
TEST(WindowFile, AMappedSetGivesTheSameBatches) {
  test::TempDir dir;
  const WindowSet set({test::figure(50), test::figure(9), test::figure(40, 3)}, 12, 5);
  save_window_set(set, dir / "w.bin");
  const WindowSet mapped = map_window_set(dir / "w.bin");
  EXPECT_EQ(mapped.size(), set.size());
  EXPECT_EQ(mapped.notes(), set.notes());
  EXPECT_EQ(mapped.performances(), 3u);
  EXPECT_EQ(mapped.too_short(), 1u);
  const torch::Tensor ids = torch::arange(set.size()).flip(0);
  const NoteTensors a = set.batch(ids), b = mapped.batch(ids);
  EXPECT_TRUE(a.pitch.equal(b.pitch));
  EXPECT_TRUE(a.step.equal(b.step));
  EXPECT_TRUE(a.duration.equal(b.duration));
  EXPECT_TRUE(a.velocity.equal(b.velocity));

  const auto error_of = [](const std::filesystem::path& p) -> std::string {
    try {
      map_window_set(p);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  std::filesystem::resize_file(dir / "w.bin", std::filesystem::file_size(dir / "w.bin") - 8);
  EXPECT_NE(error_of(dir / "w.bin").find("its size is not what its header says"),
            std::string::npos);
  std::ofstream(dir / "other.bin")
      << "MThd: not windows at all, but a file long enough to hold a window file's header";
  EXPECT_NE(error_of(dir / "other.bin").find("not a window file of version 1"), std::string::npos);
  EXPECT_NE(error_of(dir / "absent.bin").find("absent.bin"), std::string::npos);
}

// The whole loop: 2 ranks with a global batch of 16 train what 1 rank trains, within float
// rounding (the mean gradient is summed in another order). Both start from the same weights
// (--init-from): the two ranks' threads share LibTorch's global generator, so a seeded
// initialization is not one in a single process (tests/integration/test_train_distributed.py
// runs ranks as processes, from the seed).
TEST(DataParallel, TwoRanksTrainWhatOneRankTrains) {
  RunConfig c = test::tiny_config();
  c.model.dropout = 0.0;
  c.train.batch_size = 16;
  c.train.epochs = 2;
  c.train.stride = 3;
  c.train.learning_rate = 0.003;
  InMemoryData d;
  d.train = {test::figure(120), test::figure(120, 2), test::figure(90, -3)};
  d.validation = {test::figure(60, 1)};
  test::TempDir start, one, two;
  const auto train_with = [&](const std::filesystem::path& out, const LaunchEnv& launch) {
    TrainOptions o;
    o.out = out;
    o.device = "cpu";
    o.progress = false;
    o.launch = launch;
    o.dist_check_every = 4;
    if (out != start.path()) o.init_from = start.path() / "last.ckpt";
    return train_in_memory(c, d, o);
  };
  train_with(start.path(), LaunchEnv{});
  const TrainResult r1 = train_with(one.path(), LaunchEnv{});
  const int port = free_loopback_port();
  auto rank1 = std::async(std::launch::async,
                          [&] { return train_with(two.path() / "rank1", env(1, 2, port)); });
  const TrainResult r2 = train_with(two.path(), env(0, 2, port));
  rank1.get();
  EXPECT_EQ(r2.steps, r1.steps);
  EXPECT_NEAR(r2.best_validation, r1.best_validation, 1e-5 * std::abs(r1.best_validation));
  EXPECT_FALSE(std::filesystem::exists(two.path() / "rank1" / "last.ckpt"))
      << "rank 0 alone writes";
  const Checkpoint a = read_checkpoint(one.path() / "last.ckpt");
  const Checkpoint b = read_checkpoint(two.path() / "last.ckpt");
  double worst = 0;
  for (const auto& [name, t] : a.tensors) {
    if (name.rfind("model.", 0) != 0) continue;
    const torch::Tensor u = *b.find(name);
    worst = std::max(worst, ((u - t).abs().max() / t.abs().max().clamp_min(1e-12)).item<double>());
  }
  EXPECT_LT(worst, 1e-5) << "largest relative difference of a parameter";
  EXPECT_EQ(a.metadata.at("state").at("step"), b.metadata.at("state").at("step"));
}

}  // namespace
}  // namespace mlstm
