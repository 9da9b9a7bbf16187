#include "jam/control_lines.hpp"

#include <poll.h>
#include <unistd.h>

#include <cstdio>

#include "perform/knob_table.hpp"

namespace mlstm::app {

ControlLines::ControlLines(rt::Jam& jam, rt::AudioEngine& engine)
    : jam_(jam), knobs_(jam.knobs()), engine_(engine), thread_([this] { run(); }) {}

ControlLines::~ControlLines() {
  stop_ = true;
  thread_.join();
}

void ControlLines::run() {
  std::string pending;
  while (!stop_) {
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0 || !(fd.revents & (POLLIN | POLLHUP))) continue;
    char buffer[256];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) return;  // end of input: the jam goes on without it
    pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      handle(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
}

void ControlLines::handle(const std::string& line) {
  const auto space = line.find(' ');
  const std::string name = line.substr(0, space);
  const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
  if (name.empty()) return;
  if (name == "quit") {
    quit_ = true;
  } else if (name == "learn") {
    const std::string error = jam_.performer().learn(value);
    std::fprintf(stderr, "music-lstm: %s\n",
                 error.empty() ? ("move a controller or press a key to bind it to " + value).c_str()
                               : error.c_str());
  } else if (name == "forget") {
    rt::ControllerBinding named;
    const bool is_control = rt::parse_control_name(value, named);
    std::size_t forgotten = 0;
    knobs_.update([&](rt::JamSettings& s) {
      forgotten = std::erase_if(s.bindings, [&](const rt::ControllerBinding& b) {
        return (is_control && b.controller == named.controller && b.key == named.key) ||
               b.target == value;
      });
      return std::string();
    });
    std::fprintf(stderr, "music-lstm: %s\n",
                 forgotten == 0 ? ("no controller is bound to " + value).c_str()
                                : ("forgot " + value).c_str());
  } else if (name == "bindings") {
    std::string list;
    for (const auto& b : knobs_.load().bindings) {
      list += (list.empty() ? "" : ", ") + rt::control_name(b) + " " + b.target;
    }
    std::fprintf(stderr, "music-lstm: controllers: %s\n", list.empty() ? "none" : list.c_str());
  } else if (name == "panic") {
    engine_.control_input().try_push(
        {rt::kFrameNow, rt::EventKind::kPanic, rt::Voice::kModel, 0, 0, 0});
    std::fprintf(stderr, "music-lstm: panic: every note off\n");
  } else if (const std::string error = knobs_.set(name, value); !error.empty()) {
    std::fprintf(stderr, "music-lstm: %s\n", error.c_str());
  } else {
    std::fprintf(stderr, "music-lstm: %s is now %s\n", name.c_str(),
                 rt::knob_value(knobs_.load(), name).c_str());
  }
}

}  // namespace mlstm::app
