#pragma once
// `music-lstm train --nproc N`: this program starts N ranks of itself on this machine, as
// torchrun --nproc-per-node N would (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR
// 127.0.0.1 and a free MASTER_PORT in each one's environment), and waits for them:
// - Ctrl-C or SIGTERM to the launcher reaches every rank as SIGTERM (each saves and stops
//   together, as one run);
// - when a rank fails, the others stop by themselves (their collectives fail within the run's
//   timeout, dist/rank_group.hpp); one still running `grace` after that is killed;
// - the launcher's exit code is the first failed rank's (0 when all succeeded), and it says
//   which rank failed and how.
// [main thread] Hand-written on posix_spawn: Debian's Boost.Process would add a dependency for a
// loop of spawn and waitpid, and the signal forwarding is ours to decide either way.

#include <chrono>
#include <string>
#include <vector>

namespace mlstm {

// Set in the environment of the ranks the launcher starts: they train, and do not launch again.
inline constexpr const char* kLaunchedByEnv = "MUSIC_LSTM_LAUNCHED_BY";

// A free TCP port on the loopback (the kernel's choice, released for the rank 0 to take).
int free_loopback_port();

// Runs `program` with `args` (argv[1..]) as `n` ranks; returns the exit code for the launcher.
int run_local_ranks(int n, const std::string& program, const std::vector<std::string>& args,
                    std::chrono::seconds grace);

}  // namespace mlstm
