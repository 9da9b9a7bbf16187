#pragma once
// Small SVG charts for the eval report: line charts (densities, loss curves) and grouped bar
// charts (pitch-class histograms). Written by hand: three plain chart kinds need a few dozen
// lines of SVG, where a plotting library (PLplot, the one in Debian) would add a large build and
// run-time dependency for them.

#include <string>
#include <vector>

namespace mlstm {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;  // a bar chart reads y only (one value per category)
  std::string colour;        // "#1f77b4"
  bool markers = false;      // a line chart also draws a dot at each point (few points, or one)
};

struct ChartLabels {
  std::string title, x, y;
};

// Lines through each series' points, with axes, ticks and a legend.
std::string line_chart_svg(const ChartLabels& labels, const std::vector<ChartSeries>& series);
// One group of bars per category, one bar per series.
std::string bar_chart_svg(const ChartLabels& labels, const std::vector<std::string>& categories,
                          const std::vector<ChartSeries>& series);

}  // namespace mlstm
