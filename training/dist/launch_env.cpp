#include "dist/launch_env.hpp"

#include <charconv>
#include <optional>

namespace mlstm {
namespace {

// A whole number in [low, high], or nothing (std::from_chars: no locale, no partial parses).
std::optional<int> whole(const char* text, int low, int high) {
  if (!text || !*text) return std::nullopt;
  const std::string s(text);
  int v = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (error != std::errc() || end != s.data() + s.size() || v < low || v > high) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

LaunchEnv read_launch_env(const std::function<const char*(const char*)>& get) {
  LaunchEnv e;
  const char* world = get("WORLD_SIZE");
  if (!world) return e;  // a run of its own
  const auto w = whole(world, 1, 1 << 16);
  if (!w) {
    throw LaunchError("WORLD_SIZE=" + std::string(world) +
                      ": expected the number of processes training together, 1 or more");
  }
  e.world_size = *w;
  if (!e.distributed()) return e;
  const std::string of = "WORLD_SIZE is " + std::to_string(e.world_size) + " but ";
  const std::string ranks = "0 to " + std::to_string(e.world_size - 1);
  const char* rank = get("RANK");
  if (!rank) throw LaunchError(of + "RANK is not set: give each process its rank, " + ranks);
  const auto r = whole(rank, 0, e.world_size - 1);
  if (!r) {
    throw LaunchError("RANK=" + std::string(rank) +
                      " with WORLD_SIZE=" + std::to_string(e.world_size) + ": a rank is " + ranks);
  }
  e.rank = *r;
  const char* local = get("LOCAL_RANK");
  e.local_rank = e.rank;
  if (local) {
    const auto l = whole(local, 0, e.world_size - 1);
    if (!l) {
      throw LaunchError("LOCAL_RANK=" + std::string(local) + ": expected " + ranks +
                        " (the process's place on its machine)");
    }
    e.local_rank = *l;
  }
  const char* addr = get("MASTER_ADDR");
  if (!addr || !*addr) {
    throw LaunchError(of +
                      "MASTER_ADDR is not set: set it to the address of the machine rank 0 runs "
                      "on (127.0.0.1 when all run on one machine)");
  }
  e.master_addr = addr;
  const char* port = get("MASTER_PORT");
  if (!port) {
    throw LaunchError(of +
                      "MASTER_PORT is not set: set it to a free port on rank 0's machine "
                      "(every process the same, e.g. 29500)");
  }
  const auto p = whole(port, 1, 65535);
  if (!p) {
    throw LaunchError("MASTER_PORT=" + std::string(port) +
                      ": expected a port, 1 to 65535 (rank 0 listens there)");
  }
  e.master_port = *p;
  e.local_world_size = e.on_loopback() ? e.world_size : 1;
  if (const char* local_world = get("LOCAL_WORLD_SIZE")) {
    const auto lw = whole(local_world, 1, e.world_size);
    if (!lw) {
      throw LaunchError("LOCAL_WORLD_SIZE=" + std::string(local_world) + ": expected 1 to " +
                        std::to_string(e.world_size) + " (the ranks on this machine)");
    }
    e.local_world_size = *lw;
  }
  return e;
}

}  // namespace mlstm
