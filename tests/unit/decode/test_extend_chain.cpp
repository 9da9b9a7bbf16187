// A continuous chain (decode/search_settings.hpp, extend_chain()): each part reads the newest
// notes with the player's last ones at their head, and draws with the next seed.
#include <gtest/gtest.h>

#include <vector>

#include "decode/search_settings.hpp"

namespace mlstm {
namespace {

TEST(ExtendChain, EachPartReadsThePlayersLastNotesAndItsOwnNewest) {
  std::vector<NoteFeatures> player;
  for (int i = 0; i < 32; ++i) player.push_back({40 + i, 0.25, 0.2, 64});
  std::vector<std::vector<int>> read;
  std::vector<std::uint64_t> seeds;
  int next_pitch = 100;
  const auto search = [&](std::span<const NoteFeatures> context, const SearchSettings& s) {
    std::vector<int> pitches;
    for (const NoteFeatures& f : context) pitches.push_back(f.pitch);
    read.push_back(pitches);
    seeds.push_back(s.seed);
    SearchResult r;
    for (int i = 0; i < s.length; ++i) r.notes.push_back({next_pitch++ % 128, 0.25, 0.2, 64});
    return r;
  };
  SearchSettings s;
  s.length = 20;
  s.seed = 7;
  const std::vector<NoteFeatures> song = continue_song_with(search, player, 50, s, 32);
  ASSERT_EQ(song.size(), 50u);
  ASSERT_EQ(read.size(), 3u);  // 20 + 20 + 10
  EXPECT_EQ(seeds, (std::vector<std::uint64_t>{7, 8, 9}));
  // The first part reads the player's 32 notes.
  EXPECT_EQ(read[0].front(), 40);
  EXPECT_EQ(read[0].back(), 71);
  // The second: the player's last 16 (56..71), then the chain's 16 newest (104..119): 32.
  ASSERT_EQ(read[1].size(), 32u);
  EXPECT_EQ(read[1][0], 56);
  EXPECT_EQ(read[1][15], 71);
  EXPECT_EQ(read[1][16], 104);
  EXPECT_EQ(read[1].back(), 119);
  // The third: still the player's last 16 at its head, then notes 124..139 of the chain.
  EXPECT_EQ(read[2][0], 56);
  EXPECT_EQ(read[2][16], 124);
  EXPECT_EQ(read[2].back(), 139 % 128);
}

}  // namespace
}  // namespace mlstm
