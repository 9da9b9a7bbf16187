#pragma once
// A one-line progress report for long work (downloads, parsing, training) on stderr:
// "label  [#####.....]  52%  660/1276  31.2/s  ETA 0:20  extra".
// On a terminal it redraws one line at most 5 times a second; into a file or pipe it prints a
// plain line at every 10% so logs stay short.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace mlstm {

class ProgressBar {
 public:
  // `unit` names what is counted ("files", "MB"...); `scale` divides counts for display.
  ProgressBar(std::string label, double total, std::string unit = "", double scale = 1.0,
              std::FILE* out = stderr);
  // `done` is absolute. `extra` is appended (a loss, a rate...).
  void update(double done, const std::string& extra = "");
  // Prints the final state and a newline. Called by the destructor if not called before.
  void finish(const std::string& extra = "");
  ~ProgressBar();

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // "1:02:03" or "2:03".
  static std::string format_duration(double seconds);

 private:
  void draw(double done, const std::string& extra, bool final);

  std::string label_, unit_;
  double total_, scale_;
  std::FILE* out_;
  bool tty_;
  bool finished_ = false;
  int last_decile_ = -1;
  double last_done_ = 0.0;
  double start_done_ = -1.0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace mlstm
