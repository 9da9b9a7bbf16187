#include "jam/knob_options.hpp"

#include <stdexcept>

#include "perform/knob_table.hpp"

namespace mlstm::app {

void add_knob_options(CLI::App* cmd, std::map<std::string, std::string>& given) {
  for (const rt::KnobSpec& k : rt::knob_table()) {
    const std::string name = k.id;
    const char* type = k.kind == rt::KnobKind::kWhole || k.kind == rt::KnobKind::kSeed ? "INT"
                       : k.kind == rt::KnobKind::kNumber                               ? "NUMBER"
                       : k.kind == rt::KnobKind::kScale                                ? "SCALE"
                                                                                       : "CHOICE";
    cmd->add_option_function<std::string>(
           "--" + name, [&given, name](const std::string& v) { given[name] = v; }, rt::knob_help(k))
        ->type_name(type);
  }
}

void apply_knob_options(const std::map<std::string, std::string>& given,
                        rt::JamSettings& settings) {
  for (const auto& [name, value] : given) {
    if (const std::string error = rt::set_knob(settings, name, value); !error.empty()) {
      throw std::invalid_argument("--" + name + " " + value + ": " +
                                  error.substr(error.find(": ") + 2));
    }
  }
}

}  // namespace mlstm::app
