#include "jam/knob_options.hpp"

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

}  // namespace mlstm::app
