// Which notes of a file a model learns from: the drum channel left out, the jam's recordings
// giving the player's track alone, tracks chosen by name.
#include <gtest/gtest.h>

#include "data/note_selection.hpp"

namespace mlstm {
namespace {

const std::vector<Note> kNotes = {
    {60, 80, 0.0, 0.5, 0, 0},  // track 0, piano
    {36, 90, 0.0, 0.1, 9, 1},  // track 1, the drum channel
    {64, 70, 0.5, 1.0, 1, 2},  // track 2
    {67, 70, 1.0, 1.5, 0, 0},
};

std::vector<int> pitches(const std::vector<Note>& notes) {
  std::vector<int> out;
  for (const Note& n : notes) out.push_back(n.pitch);
  return out;
}

TEST(NoteSelection, TheDrumChannelIsLeftOutUnlessAskedFor) {
  const std::vector<std::string> names = {"piano", "drums", "bass"};
  EXPECT_EQ(pitches(select_notes(kNotes, names, {})), (std::vector<int>{60, 64, 67}));
  EXPECT_EQ(pitches(select_notes(kNotes, names, {.tracks = "auto", .drums = true})),
            (std::vector<int>{60, 36, 64, 67}));
}

TEST(NoteSelection, AJamRecordingGivesThePlayersTrackAlone) {
  const std::vector<std::string> names = {"player", "", "model"};
  EXPECT_TRUE(is_jam_recording(names));
  EXPECT_EQ(pitches(select_notes(kNotes, names, {})), (std::vector<int>{60, 67}));
  EXPECT_EQ(pitches(select_notes(kNotes, names, {.tracks = "all"})),
            (std::vector<int>{60, 64, 67}));
  EXPECT_EQ(pitches(select_notes(kNotes, names, {.tracks = "model"})), (std::vector<int>{64}));
}

TEST(NoteSelection, TracksByName) {
  const std::vector<std::string> names = {"piano", "drums", "bass"};
  EXPECT_EQ(pitches(select_notes(kNotes, names, {.tracks = "bass, piano"})),
            (std::vector<int>{60, 64, 67}));
  EXPECT_TRUE(select_notes(kNotes, names, {.tracks = "organ"}).empty());
  EXPECT_THROW(check_note_selection({.tracks = "piano,,bass"}), std::runtime_error);
  EXPECT_NO_THROW(check_note_selection({.tracks = "piano,bass"}));
}

}  // namespace
}  // namespace mlstm
