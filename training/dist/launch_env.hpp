#pragma once
// How a training process learns its place among the others, as torchrun (PyTorch's launcher)
// tells it, so that `music-lstm train` is launched the way the ecosystem launches training:
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT in the environment. WORLD_SIZE unset
// or 1: a run of its own. A launch that cannot work gets one line that says what to set.

#include <functional>
#include <stdexcept>
#include <string>

namespace mlstm {

struct LaunchEnv {
  int rank = 0;        // 0 .. world_size - 1; rank 0 writes the run's files
  int world_size = 1;  // processes training the run together
  int local_rank = 0;  // its place on this machine (default: the rank)
  // Ranks on this machine (LOCAL_WORLD_SIZE; default: all of them when MASTER_ADDR is this
  // machine's loopback, else 1): they share its cores.
  int local_world_size = 1;
  std::string master_addr;  // where rank 0 listens for the others (the rendezvous)
  int master_port = 0;
  bool distributed() const { return world_size > 1; }
  // MASTER_ADDR is this machine's loopback (localhost, 127.x.x.x, ::1): every rank runs here.
  bool on_loopback() const {
    return master_addr == "localhost" || master_addr.rfind("127.", 0) == 0 || master_addr == "::1";
  }
};

class LaunchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads the launch from `get` (std::getenv in the program; a table in the tests), which returns
// nullptr for a variable that is not set. Throws LaunchError with one line.
LaunchEnv read_launch_env(const std::function<const char*(const char*)>& get);

}  // namespace mlstm
