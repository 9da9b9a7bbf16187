// The listener's test (training/eval/listener_test.hpp) on made-up performances: answers that
// run in scales across the keyboard are told from the music at once, answers that are more of
// the same music are not, and the control stays at chance either way.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

#include "eval/listener_test.hpp"

namespace mlstm {
namespace {

// Music of a kind: each bar a chord of the key in one register, then a few notes of it around
// the same place, with a pianist's uneven rhythm. `rng` decides everything.
std::vector<NoteFeatures> music(std::size_t n, std::mt19937_64& rng, int centre, int key) {
  static const int major[] = {0, 2, 4, 5, 7, 9, 11};
  std::uniform_int_distribution<int> degree(0, 6), coin(0, 3);
  std::lognormal_distribution<double> step(std::log(0.18), 0.6);
  std::vector<NoteFeatures> out;
  while (out.size() < n) {
    const int root = degree(rng);
    for (int k = 0; k < 3 && out.size() < n; ++k) {  // a triad
      const int d = root + 2 * k;
      const int pitch = centre - 12 + key + 12 * (d / 7) + major[d % 7];
      out.push_back({pitch, k == 0 ? step(rng) : 0.005, 0.4, 60 + coin(rng) * 5});
    }
    for (int k = 0; k < 4 && out.size() < n; ++k) {  // a figure above it
      const int d = root + degree(rng) % 5;
      const int pitch = centre + key + 12 * (d / 7) + major[d % 7];
      out.push_back({pitch, step(rng), 0.25, 55 + coin(rng) * 5});
    }
  }
  return out;
}

std::vector<std::vector<NoteFeatures>> performances(int count) {
  std::mt19937_64 rng(11);
  std::vector<std::vector<NoteFeatures>> out;
  for (int i = 0; i < count; ++i) out.push_back(music(1200, rng, 54 + 2 * (i % 8), i % 12));
  return out;
}

ListenerTestOptions small() {
  ListenerTestOptions o;
  o.phrases = 60;
  o.chain_answers = 3;
  o.context_notes = 32;
  return o;
}

TEST(ListenerTest, ScaleRunsAcrossTheKeyboardAreToldApart) {
  const ListenerSearch scales = [](std::span<const NoteFeatures>, const SearchSettings& s) {
    std::vector<NoteFeatures> out;
    for (int i = 0; i < s.length; ++i) out.push_back({36 + (i * 2) % 60, 0.15, 0.15, 64});
    return out;
  };
  const auto r = listener_test(performances(12), scales, small());
  for (const char* mode : {"call_and_response", "continuous"}) {
    SCOPED_TRACE(mode);
    EXPECT_GT(r.at(mode).at("accuracy").get<double>(), 0.95);
    EXPECT_NEAR(r.at(mode).at("control").at("accuracy").get<double>(), 0.5, 0.15);
  }
  EXPECT_EQ(r.at("call_and_response").at("samples"), 120);
  EXPECT_EQ(r.at("continuous").at("samples"), 360);
  EXPECT_EQ(r.at("call_and_response").at("playability").at("model").at("answers"), 60);
}

TEST(ListenerTest, MoreOfTheSameMusicIsNotToldApart) {
  // The answer is new music of the phrase's own performance: its register, its key, its rhythm.
  const auto perfs = performances(12);
  const ListenerSearch same = [&perfs](std::span<const NoteFeatures> context,
                                       const SearchSettings& s) {
    // The phrase heads every context: the filled context of 32 notes starts with its repeat, a
    // chain's later parts with the phrase itself (chain_context()); its first step differs.
    const auto phrase = context.first(16);
    for (std::size_t i = 0; i < perfs.size(); ++i) {
      if (std::search(perfs[i].begin(), perfs[i].end(), phrase.begin() + 1, phrase.end()) !=
          perfs[i].end()) {
        std::mt19937_64 rng(s.seed * 1000 + i);
        // From anywhere in a bar, as the real music after a phrase is.
        const std::size_t offset = rng() % 7;
        const auto more = music(static_cast<std::size_t>(s.length) + offset, rng,
                                54 + 2 * static_cast<int>(i % 8), static_cast<int>(i % 12));
        return std::vector<NoteFeatures>(more.begin() + static_cast<std::ptrdiff_t>(offset),
                                         more.end());
      }
    }
    ADD_FAILURE() << "the phrase is from no performance";
    return std::vector<NoteFeatures>(static_cast<std::size_t>(s.length));
  };
  const auto r = listener_test(perfs, same, small());
  for (const char* mode : {"call_and_response", "continuous"}) {
    SCOPED_TRACE(mode);
    EXPECT_NEAR(r.at(mode).at("accuracy").get<double>(), 0.5, 0.15);
    EXPECT_NEAR(r.at(mode).at("control").at("accuracy").get<double>(), 0.5, 0.15);
  }
}

TEST(ListenerTest, EveryPhraseCountsInPerformancesWithRoomForTwoPlacesOnly) {
  // 16 + 3 x 50 notes a place: performances of 340 notes leave a first place in their middle no
  // room for the second; such a draw is drawn again, never dropped.
  std::mt19937_64 rng(2);
  std::vector<std::vector<NoteFeatures>> tight;
  for (int i = 0; i < 6; ++i) tight.push_back(music(340, rng, 60, i));
  const ListenerSearch echo = [](std::span<const NoteFeatures> context, const SearchSettings& s) {
    return std::vector<NoteFeatures>(static_cast<std::size_t>(s.length), context.back());
  };
  const auto r = listener_test(tight, echo, small());
  EXPECT_EQ(r.at("call_and_response").at("samples"), 120);
  EXPECT_EQ(r.at("continuous").at("control").at("samples"), 360);
}

TEST(ListenerTest, SaysWhatItNeeds) {
  const ListenerSearch none = [](std::span<const NoteFeatures>, const SearchSettings& s) {
    return std::vector<NoteFeatures>(static_cast<std::size_t>(s.length));
  };
  std::mt19937_64 rng(1);
  const std::vector<std::vector<NoteFeatures>> short_ones = {music(100, rng, 60, 0)};
  EXPECT_THROW(listener_test(short_ones, none, small()), std::runtime_error);
  // eval asks first, and skips the test with the reason (a folder of short pieces).
  EXPECT_NE(listener_test_unfit(short_ones, small()).find("no performance has the 332 notes"),
            std::string::npos);
  EXPECT_EQ(listener_test_unfit(performances(2), small()), "");
  ListenerTestOptions few = small();
  few.phrases = 3;
  EXPECT_THROW(listener_test(performances(2), none, few), std::runtime_error);
}

}  // namespace
}  // namespace mlstm
