#include "core/host_parameters.hpp"

#include <algorithm>
#include <cmath>

namespace mlstm::rt {
namespace {

HostParameter parameter_of(const KnobSpec& k) {
  HostParameter p;
  p.knob = &k;
  p.id = k.id;
  p.name = k.label;
  p.unit = k.unit;
  switch (k.kind) {
    case KnobKind::kWhole:
      p.lo = k.lo;
      p.hi = k.hi;
      p.integer = true;
      break;
    case KnobKind::kNumber:
      p.lo = k.lo;
      p.hi = k.hi;
      p.logarithmic = k.log_scale && k.lo > 0;
      break;
    case KnobKind::kOnOff:
      p.lo = 0;
      p.hi = 1;
      p.integer = p.toggle = true;
      break;
    case KnobKind::kChoice:
    case KnobKind::kScale:
      p.lo = 0;
      p.hi = static_cast<double>(k.choices.size()) - 1;
      p.integer = true;
      p.choices = k.choices;
      break;
    case KnobKind::kSeed:
      break;
  }
  p.default_value = host_value(p, JamSettings{});
  return p;
}

}  // namespace

const std::vector<HostParameter>& host_parameters() {
  static const std::vector<HostParameter> parameters = [] {
    std::vector<HostParameter> v;
    for (const KnobSpec& k : knob_table()) {
      if (k.kind != KnobKind::kSeed && k.host_parameter) v.push_back(parameter_of(k));
    }
    return v;
  }();
  return parameters;
}

double host_value(const HostParameter& p, const JamSettings& settings) {
  const std::string text = p.knob->get(settings);
  if (p.toggle) return text == "on" ? 1.0 : 0.0;
  if (!p.choices.empty()) {
    const auto it = std::find(p.choices.begin(), p.choices.end(), text);
    return it == p.choices.end() ? 0.0 : static_cast<double>(it - p.choices.begin());
  }
  return std::stod(text);
}

std::string knob_text(const HostParameter& p, double value) {
  const double v = std::clamp(std::isfinite(value) ? value : p.default_value, p.lo, p.hi);
  if (p.toggle) return v >= 0.5 ? "on" : "off";
  if (!p.choices.empty()) return p.choices[static_cast<std::size_t>(std::lround(v))];
  if (p.integer) return std::to_string(std::lround(v));
  return knob_number(*p.knob, v);
}

}  // namespace mlstm::rt
