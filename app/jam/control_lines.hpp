#pragma once
// Control lines on standard input while a jam runs without its panel: "width 8", "mode
// continuous", "learn temperature", "forget 1", "bindings", "panic", "quit". A script or a test
// turns the knobs this way; each line is answered with one line on standard error.
//
// Threads: a thread of its own reads standard input (poll, so that it never blocks the jam);
// construction, quit() and destruction on the main thread.

#include <atomic>
#include <string>
#include <thread>

#include "engine/audio_engine.hpp"
#include "perform/jam.hpp"

namespace mlstm::app {

class ControlLines {
 public:
  ControlLines(rt::Jam& jam, rt::AudioEngine& engine);
  ~ControlLines();
  ControlLines(const ControlLines&) = delete;
  ControlLines& operator=(const ControlLines&) = delete;

  // [main-thread] A "quit" line was read.
  bool quit() const { return quit_.load(); }

 private:
  void run();
  void handle(const std::string& line);

  rt::Jam& jam_;
  rt::JamKnobs& knobs_;
  rt::AudioEngine& engine_;
  std::atomic<bool> stop_{false}, quit_{false};
  std::thread thread_;
};

}  // namespace mlstm::app
