// The command lines agree with the knob tables: the jam's --<knob> options are the knob table's
// rows with its help, range and default, and compose's and eval's search options take exactly
// decode/search_knobs.hpp's ranges.
#include <gtest/gtest.h>

#include "commands/decoding_cli.hpp"
#include "decode/search_knobs.hpp"
#include "jam/knob_options.hpp"
#include "perform/knob_table.hpp"

namespace mlstm::app {
namespace {

TEST(KnobOptions, TheJamHasOneOptionPerKnobWithTheTablesHelp) {
  CLI::App app;
  std::map<std::string, std::string> given;
  add_knob_options(&app, given);
  for (const rt::KnobSpec& k : rt::knob_table()) {
    const CLI::Option* o = app.get_option("--" + k.id);
    ASSERT_NE(o, nullptr) << k.id;
    EXPECT_EQ(o->get_description(), rt::knob_help(k));
  }
  EXPECT_EQ(app.get_options().size(), rt::knob_table().size() + 1);  // and --help
  // (CLI11 parses a vector from its back.)
  app.parse(std::vector<std::string>{"continuous", "--mode", "8", "--width"});
  EXPECT_EQ(given.at("width"), "8");
  EXPECT_EQ(given.at("mode"), "continuous");
}

TEST(KnobOptions, ComposeAndEvalTakeTheSearchsRangesAndRefuseBeyond) {
  for (const SearchKnob& k : search_knobs()) {
    for (const double v : {k.lo, k.hi}) {
      CLI::App app;
      SearchSettings s;
      add_search_options(&app, s);
      EXPECT_NO_THROW(
          app.parse(std::vector<std::string>{knob_number_text(v), std::string("--") + k.id}))
          << k.id;
      EXPECT_EQ(k.get(s), v) << k.id;
    }
    for (const double v : {k.lo - 1, k.hi + 1}) {
      CLI::App app;
      SearchSettings s;
      add_search_options(&app, s);
      EXPECT_THROW(
          app.parse(std::vector<std::string>{knob_number_text(v), std::string("--") + k.id}),
          CLI::ValidationError)
          << k.id << " " << v;
    }
  }
}

TEST(KnobOptions, ComposeAndEvalStartFromTheJamsDecodingAndKeepOlderNames) {
  CLI::App app;
  SearchSettings s;
  add_search_options(&app, s);
  EXPECT_EQ(s, default_search_settings());
  app.parse(std::vector<std::string>{"0.5", "--repetition-penalty", "6", "--beam"});
  EXPECT_EQ(s.width, 6);
  EXPECT_EQ(s.repetition_penalty, 0.5);
}

}  // namespace
}  // namespace mlstm::app
