// The launch environment of a training process (training/dist/launch_env.hpp), as torchrun sets
// it or a user types it in several shells: a run of its own without it, every field read, and
// one clear line for each launch that cannot work.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "dist/launch_env.hpp"

namespace mlstm {
namespace {

LaunchEnv read(const std::map<std::string, std::string>& vars) {
  return read_launch_env([&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

std::string error_of(const std::map<std::string, std::string>& vars) {
  try {
    read(vars);
  } catch (const LaunchError& e) {
    return e.what();
  }
  return "";
}

const std::map<std::string, std::string> kTorchrun = {{"RANK", "1"},
                                                      {"WORLD_SIZE", "2"},
                                                      {"LOCAL_RANK", "1"},
                                                      {"MASTER_ADDR", "127.0.0.1"},
                                                      {"MASTER_PORT", "29500"}};

TEST(LaunchEnv, WithoutAWorldSizeItIsARunOfItsOwn) {
  const LaunchEnv e = read({{"RANK", "3"}});
  EXPECT_FALSE(e.distributed());
  EXPECT_EQ(e.rank, 0);
  EXPECT_FALSE(read({{"WORLD_SIZE", "1"}}).distributed());
}

TEST(LaunchEnv, TorchrunsVariablesAreRead) {
  const LaunchEnv e = read(kTorchrun);
  EXPECT_TRUE(e.distributed());
  EXPECT_EQ(e.rank, 1);
  EXPECT_EQ(e.world_size, 2);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.master_addr, "127.0.0.1");
  EXPECT_EQ(e.master_port, 29500);
  auto by_hand = kTorchrun;
  by_hand.erase("LOCAL_RANK");
  EXPECT_EQ(read(by_hand).local_rank, 1) << "by hand on one machine: the rank";
}

TEST(LaunchEnv, TheRanksOnThisMachineShareItsCores) {
  EXPECT_EQ(read(kTorchrun).local_world_size, 2) << "loopback: every rank is on this machine";
  auto ipv6 = kTorchrun;
  ipv6["MASTER_ADDR"] = "::1";
  EXPECT_EQ(read(ipv6).local_world_size, 2) << "the IPv6 loopback too";
  auto remote = kTorchrun;
  remote["MASTER_ADDR"] = "10.0.0.7";
  EXPECT_EQ(read(remote).local_world_size, 1) << "another machine's address: unknown, one";
  remote["LOCAL_WORLD_SIZE"] = "2";
  EXPECT_EQ(read(remote).local_world_size, 2) << "torchrun says";
  remote["LOCAL_WORLD_SIZE"] = "3";
  EXPECT_EQ(error_of(remote), "LOCAL_WORLD_SIZE=3: expected 1 to 2 (the ranks on this machine)");
}

TEST(LaunchEnv, EachBadLaunchSaysWhatToSet) {
  auto v = kTorchrun;
  v.erase("MASTER_ADDR");
  EXPECT_EQ(error_of(v),
            "WORLD_SIZE is 2 but MASTER_ADDR is not set: set it to the address of the machine "
            "rank 0 runs on (127.0.0.1 when all run on one machine)");
  v = kTorchrun;
  v.erase("MASTER_PORT");
  EXPECT_NE(error_of(v).find("MASTER_PORT is not set"), std::string::npos);
  v = kTorchrun;
  v["MASTER_PORT"] = "70000";
  EXPECT_EQ(error_of(v), "MASTER_PORT=70000: expected a port, 1 to 65535 (rank 0 listens there)");
  v = kTorchrun;
  v["RANK"] = "2";
  EXPECT_EQ(error_of(v), "RANK=2 with WORLD_SIZE=2: a rank is 0 to 1");
  v = kTorchrun;
  v.erase("RANK");
  EXPECT_EQ(error_of(v), "WORLD_SIZE is 2 but RANK is not set: give each process its rank, 0 to 1");
  v = kTorchrun;
  v["WORLD_SIZE"] = "two";
  EXPECT_NE(error_of(v).find("WORLD_SIZE=two: expected"), std::string::npos);
  v = kTorchrun;
  v["LOCAL_RANK"] = "-1";
  EXPECT_NE(error_of(v).find("LOCAL_RANK=-1"), std::string::npos);
  v = kTorchrun;
  v["RANK"] = "1x";
  EXPECT_NE(error_of(v).find("RANK=1x"), std::string::npos) << "no partial numbers";
}

}  // namespace
}  // namespace mlstm
