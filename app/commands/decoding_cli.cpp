#include "commands/decoding_cli.hpp"

#include <map>
#include <string>

#include "decode/search_knobs.hpp"

namespace mlstm::app {

void add_search_options(CLI::App* cmd, SearchSettings& search) {
  const SearchSettings defaults = default_search_settings();
  search = defaults;
  cmd->add_option_function<std::string>(
         "--timing", [&search](const std::string& v) { search.sample_timing = v == "sample"; },
         "beam, stochastic-beam: sample (search the pitches, draw each note's step, duration and "
         "velocity from the model) or search (the likeliest timing too) (default: " +
             std::string(kDefaultSampleTiming ? "sample" : "search") + ")")
      ->check(CLI::IsMember({"search", "sample"}));
  // Names the commands had before the knobs were one table; scripts may still use them.
  const std::map<std::string, std::string> older = {{"width", "--beam"},
                                                    {"repetition", "--repetition-penalty"}};
  for (const SearchKnob& k : search_knobs()) {
    std::string names = std::string("--") + k.id;
    if (const auto it = older.find(k.id); it != older.end()) names += "," + it->second;
    const SearchKnob* knob = &k;
    cmd->add_option_function<double>(
           names, [knob, &search](double v) { knob->set(search, v); },
           std::string(k.help) + " (" + range_text(k) +
               "; default: " + knob_number_text(k.get(defaults)) + ")")
        ->type_name(k.whole ? "INT" : "FLOAT")
        ->check([knob](const std::string& text) -> std::string {
          double v = 0;
          try {
            std::size_t used = 0;
            v = std::stod(text, &used);
            if (used != text.size()) return "'" + text + "' is not a number";
          } catch (const std::exception&) {
            return "'" + text + "' is not a number";
          }
          return search_knob_error(*knob, v);
        });
  }
}

}  // namespace mlstm::app
