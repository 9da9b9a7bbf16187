#include "dist/local_ranks.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mlstm {
namespace {

std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
  g_signal.store(sig);
}

// This process's environment without the launch variables, then the rank's.
std::vector<std::string> rank_environment(int rank, int n, int port) {
  static const char* const kOurs[] = {"RANK=",
                                      "WORLD_SIZE=",
                                      "LOCAL_RANK=",
                                      "LOCAL_WORLD_SIZE=",
                                      "MASTER_ADDR=",
                                      "MASTER_PORT=",
                                      "MUSIC_LSTM_LAUNCHED_BY="};
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    bool ours = false;
    for (const char* name : kOurs) ours = ours || std::strncmp(*e, name, std::strlen(name)) == 0;
    if (!ours) env.emplace_back(*e);
  }
  const std::string r = std::to_string(rank), w = std::to_string(n);
  for (const std::string& v :
       {"RANK=" + r, "WORLD_SIZE=" + w, "LOCAL_RANK=" + r, "LOCAL_WORLD_SIZE=" + w,
        std::string("MASTER_ADDR=127.0.0.1"), "MASTER_PORT=" + std::to_string(port),
        std::string(kLaunchedByEnv) + "=nproc"}) {
    env.push_back(v);
  }
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (auto& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

std::string how_it_ended(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    throw std::runtime_error(std::string("no socket for a free port: ") + strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  // The sockets API takes the IPv4 address as the generic sockaddr it begins with.
  auto* any = reinterpret_cast<sockaddr*>(&a);
  if (::bind(fd, any, sizeof a) != 0 || ::getsockname(fd, any, &len) != 0) {
    const std::string why = strerror(errno);
    ::close(fd);
    throw std::runtime_error("no free port on 127.0.0.1: " + why);
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

int run_local_ranks(int n, const std::string& program, const std::vector<std::string>& args,
                    std::chrono::seconds grace) {
  const int port = free_loopback_port();
  std::fprintf(stderr, "--nproc %d: starting %d ranks on this machine (127.0.0.1:%d)\n", n, n,
               port);
  // The launcher waits; its ranks stop when told (Ctrl-C reaches the whole foreground group, and
  // SIGTERM to the launcher is passed on).
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::vector<pid_t> pids(static_cast<std::size_t>(n), -1);
  std::vector<std::optional<int>> status(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) {
    std::vector<std::string> argv{program};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env = rank_environment(r, n, port);
    auto argv_p = pointers(argv), env_p = pointers(env);
    pid_t pid = -1;
    if (const int err =
            posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv_p.data(), env_p.data());
        err != 0) {
      std::fprintf(stderr, "--nproc: cannot start rank %d (%s): %s\n", r, program.c_str(),
                   strerror(err));
      for (const pid_t p : pids) {
        if (p > 0) ::kill(p, SIGTERM);
      }
      for (const pid_t p : pids) {
        if (p > 0) ::waitpid(p, nullptr, 0);
      }
      return 1;
    }
    pids[static_cast<std::size_t>(r)] = pid;
  }

  bool forwarded = false;
  std::optional<int> first_failed;
  std::chrono::steady_clock::time_point failed_at;
  int running = n;
  while (running > 0) {
    if (g_signal.load() && !forwarded) {
      forwarded = true;
      for (int r = 0; r < n; ++r) {
        if (!status[static_cast<std::size_t>(r)])
          ::kill(pids[static_cast<std::size_t>(r)], SIGTERM);
      }
    }
    for (int r = 0; r < n; ++r) {
      auto& st = status[static_cast<std::size_t>(r)];
      if (st) continue;
      int s = 0;
      if (::waitpid(pids[static_cast<std::size_t>(r)], &s, WNOHANG) <= 0) continue;
      st = s;
      --running;
      if (exit_code(s) != 0 && !first_failed) {
        first_failed = r;
        failed_at = std::chrono::steady_clock::now();
      }
    }
    // Ranks left running well past the run's timeout after a failure are stuck: killed.
    if (first_failed && running > 0 && std::chrono::steady_clock::now() - failed_at > grace) {
      for (int r = 0; r < n; ++r) {
        if (status[static_cast<std::size_t>(r)]) continue;
        std::fprintf(stderr, "--nproc: rank %d still running %lld s after rank %d failed: killed\n",
                     r, static_cast<long long>(grace.count()), *first_failed);
        ::kill(pids[static_cast<std::size_t>(r)], SIGKILL);
      }
    }
    if (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!first_failed) return 0;
  const int s = *status[static_cast<std::size_t>(*first_failed)];
  std::fprintf(stderr, "--nproc: rank %d of %d failed first (%s)\n", *first_failed, n,
               how_it_ended(s).c_str());
  return exit_code(s);
}

}  // namespace mlstm
