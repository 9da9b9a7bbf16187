#include "eval/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mlstm {
namespace {

constexpr double kWidth = 640, kHeight = 400;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string text(double x, double y, const std::string& s, const char* anchor = "middle",
                 int size = 12, const char* extra = "") {
  return "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" font-size=\"" +
         std::to_string(size) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" + escape(s) +
         "</text>\n";
}

std::string frame(const ChartLabels& labels) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(kWidth) +
                  "\" height=\"" + number(kHeight) + "\" font-family=\"sans-serif\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += text(kWidth / 2, 22, labels.title, "middle", 15);
  s += text((kLeft + kWidth - kRight) / 2, kHeight - 12, labels.x);
  s += text(
      16, (kTop + kHeight - kBottom) / 2, labels.y, "middle", 12,
      (" transform=\"rotate(-90 16 " + number((kTop + kHeight - kBottom) / 2) + ")\"").c_str());
  s += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(kHeight - kBottom) + "\" x2=\"" +
       number(kWidth - kRight) + "\" y2=\"" + number(kHeight - kBottom) + "\" stroke=\"black\"/>\n";
  s += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(kTop) + "\" x2=\"" + number(kLeft) +
       "\" y2=\"" + number(kHeight - kBottom) + "\" stroke=\"black\"/>\n";
  return s;
}

std::string legend(const std::vector<ChartSeries>& series) {
  std::string s;
  double y = kTop + 8;
  for (const auto& c : series) {
    s += "<rect x=\"" + number(kWidth - kRight - 150) + "\" y=\"" + number(y - 9) +
         "\" width=\"12\" height=\"12\" fill=\"" + c.colour + "\"/>\n";
    s += text(kWidth - kRight - 132, y + 1, c.name, "start", 12);
    y += 18;
  }
  return s;
}

// Five ticks on the y axis from 0 (or the lowest value) to the highest.
std::string y_ticks(double lo, double hi) {
  std::string s;
  for (int i = 0; i <= 4; ++i) {
    const double v = lo + (hi - lo) * i / 4;
    const double y = kHeight - kBottom - (kHeight - kTop - kBottom) * i / 4;
    s += text(kLeft - 6, y + 4, number(v), "end", 11);
    s += "<line x1=\"" + number(kLeft - 3) + "\" y1=\"" + number(y) + "\" x2=\"" + number(kLeft) +
         "\" y2=\"" + number(y) + "\" stroke=\"black\"/>\n";
  }
  return s;
}

}  // namespace

std::string line_chart_svg(const ChartLabels& labels, const std::vector<ChartSeries>& series) {
  double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& c : series) {
    for (std::size_t i = 0; i < std::min(c.x.size(), c.y.size()); ++i) {
      if (!std::isfinite(c.x[i]) || !std::isfinite(c.y[i])) continue;
      x0 = std::min(x0, c.x[i]), x1 = std::max(x1, c.x[i]);
      y0 = std::min(y0, c.y[i]), y1 = std::max(y1, c.y[i]);
    }
  }
  if (x0 > x1) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (y0 > 0) y0 = 0;
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  const auto px = [&](double x) {
    return kLeft + (x - x0) / (x1 - x0) * (kWidth - kLeft - kRight);
  };
  const auto py = [&](double y) {
    return kHeight - kBottom - (y - y0) / (y1 - y0) * (kHeight - kTop - kBottom);
  };
  std::string s = frame(labels) + y_ticks(y0, y1);
  for (int i = 0; i <= 4; ++i) {
    const double v = x0 + (x1 - x0) * i / 4;
    s += text(px(v), kHeight - kBottom + 16, number(v), "middle", 11);
  }
  for (const auto& c : series) {
    std::string points;
    for (std::size_t i = 0; i < std::min(c.x.size(), c.y.size()); ++i) {
      if (!std::isfinite(c.x[i]) || !std::isfinite(c.y[i])) continue;
      points += number(px(c.x[i])) + "," + number(py(c.y[i])) + " ";
      if (c.markers) {
        s += "<circle cx=\"" + number(px(c.x[i])) + "\" cy=\"" + number(py(c.y[i])) +
             "\" r=\"3.5\" fill=\"" + c.colour + "\"/>\n";
      }
    }
    s += "<polyline fill=\"none\" stroke=\"" + c.colour + "\" stroke-width=\"2\" points=\"" +
         points + "\"/>\n";
  }
  return s + legend(series) + "</svg>\n";
}

std::string bar_chart_svg(const ChartLabels& labels, const std::vector<std::string>& categories,
                          const std::vector<ChartSeries>& series) {
  double top = 0;
  for (const auto& c : series) {
    for (double v : c.y) top = std::max(top, std::isfinite(v) ? v : 0.0);
  }
  if (top <= 0) top = 1;
  std::string s = frame(labels) + y_ticks(0, top);
  const double group = (kWidth - kLeft - kRight) / std::max<std::size_t>(categories.size(), 1);
  const double bar = group * 0.8 / std::max<std::size_t>(series.size(), 1);
  for (std::size_t k = 0; k < categories.size(); ++k) {
    const double gx = kLeft + group * static_cast<double>(k) + group * 0.1;
    s += text(gx + group * 0.4, kHeight - kBottom + 16, categories[k], "middle", 11);
    for (std::size_t i = 0; i < series.size(); ++i) {
      const double v = k < series[i].y.size() && std::isfinite(series[i].y[k]) ? series[i].y[k] : 0;
      const double h = v / top * (kHeight - kTop - kBottom);
      s += "<rect x=\"" + number(gx + bar * static_cast<double>(i)) + "\" y=\"" +
           number(kHeight - kBottom - h) + "\" width=\"" + number(bar) + "\" height=\"" +
           number(h) + "\" fill=\"" + series[i].colour + "\"/>\n";
    }
  }
  return s + legend(series) + "</svg>\n";
}

}  // namespace mlstm
