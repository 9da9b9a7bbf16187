#include "progress/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace mlstm {

ProgressBar::ProgressBar(std::string label, double total, std::string unit, double scale,
                         std::FILE* out)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      scale_(scale),
      out_(out),
      tty_(::isatty(::fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  if (!finished_) finish();
}

std::string ProgressBar::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

void ProgressBar::update(double done, const std::string& extra) {
  // The rate counts only what was done while we watched (a resumed download starts half done).
  if (start_done_ < 0) start_done_ = done;
  last_done_ = done;
  const auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  } else {
    const int decile = total_ > 0 ? static_cast<int>(done / total_ * 10) : 0;
    if (decile == last_decile_) return;
    last_decile_ = decile;
  }
  last_draw_ = now;
  draw(done, extra, false);
}

void ProgressBar::finish(const std::string& extra) {
  if (finished_) return;
  finished_ = true;
  draw(last_done_, extra, true);
}

void ProgressBar::draw(double done, const std::string& extra, bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? (done - std::max(0.0, start_done_)) / elapsed : 0.0;
  const double frac = total_ > 0 ? std::clamp(done / total_, 0.0, 1.0) : 0.0;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  const std::string u = unit_.empty() ? "" : " " + unit_;
  std::string time_part = final ? "in " + format_duration(elapsed)
                                : "ETA " + format_duration(rate > 0 ? (total_ - done) / rate : -1);
  // Counted things (files, windows) print as integers; scaled ones (MB) with one decimal.
  const int decimals = scale_ == 1.0 ? 0 : 1;
  std::fprintf(out_, "%s%s [%s] %3d%%  %.*f/%.*f%s  %.1f%s/s  %s%s%s%s", tty_ ? "\r" : "",
               label_.c_str(), bar.c_str(), static_cast<int>(frac * 100), decimals, done / scale_,
               decimals, total_ / scale_, u.c_str(), rate / scale_, u.c_str(), time_part.c_str(),
               extra.empty() ? "" : "  ", extra.c_str(), tty_ ? "\033[K" : "");
  if (final || !tty_) std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace mlstm
