// Writing SMF format 1, and reading back what we wrote.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "midi/midi_file.hpp"
#include "midi/midi_writer.hpp"
#include "support/temp_dir.hpp"

namespace mlstm {
namespace {

std::vector<Note> random_notes(std::mt19937& rng, int count, double length_s) {
  std::uniform_int_distribution<int> pitch(21, 108), vel(1, 127);
  std::uniform_real_distribution<double> start(0.0, length_s), dur(0.0, 2.0);
  std::vector<Note> notes;
  for (int i = 0; i < count; ++i) {
    const double s = start(rng);
    notes.push_back({pitch(rng), vel(rng), s, s + dur(rng), 0, 0});
  }
  return notes;
}

// Pairs written and read notes in note_order; overlapping same-pitch notes are FIFO on both sides,
// so they match one to one only if each note-off ends the note it was written for: keep the
// generated notes free of same-pitch overlaps within a track.
std::vector<Note> without_same_pitch_overlaps(std::vector<Note> notes) {
  std::sort(notes.begin(), notes.end(), note_order);
  std::vector<Note> out;
  std::vector<double> free_at(128, -1.0);
  for (const Note& n : notes) {
    if (n.start > free_at[static_cast<std::size_t>(n.pitch)] + 0.01) {
      out.push_back(n);
      free_at[static_cast<std::size_t>(n.pitch)] = n.end;
    }
  }
  return out;
}

TEST(MidiWriter, RoundTripKeepsNotesWithinOneMillisecond) {
  std::mt19937 rng(7);
  std::vector<MidiTrackSpec> tracks = {
      {"player", 0, 0, without_same_pitch_overlaps(random_notes(rng, 400, 120.0)), {}},
      {"model", 1, 4, without_same_pitch_overlaps(random_notes(rng, 400, 120.0)), {}},
      {"bass", 9, 32, without_same_pitch_overlaps(random_notes(rng, 100, 120.0)), {}},
  };
  test::TempDir dir;
  write_midi_file(dir / "rt.mid", tracks, {.bpm = 97.0, .ticks_per_quarter = 960});
  const MidiFile f = read_midi_file(dir / "rt.mid");

  ASSERT_EQ(f.tracks.size(), 4u);  // tempo track + 3
  EXPECT_EQ(f.tracks[1].name, "player");
  EXPECT_EQ(f.tracks[2].name, "model");
  EXPECT_EQ(f.tracks[3].name, "bass");
  EXPECT_NEAR(f.tempo_map.at(0).bpm(), 97.0, 0.01);

  std::vector<Note> expected;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    for (Note n : tracks[t].notes) {
      n.channel = tracks[t].channel;
      n.track = static_cast<int>(t + 1);
      expected.push_back(n);
    }
  }
  std::sort(expected.begin(), expected.end(), note_order);
  ASSERT_EQ(f.notes.size(), expected.size());
  // Rounding to ticks can swap two notes that start within a tick of each other; compare as
  // matched sets per (track, pitch) instead of by position.
  auto key = [](const Note& n) { return std::tuple(n.track, n.pitch, n.start); };
  std::vector<Note> got = f.notes;
  std::sort(got.begin(), got.end(), [&](const Note& a, const Note& b) { return key(a) < key(b); });
  std::sort(expected.begin(), expected.end(),
            [&](const Note& a, const Note& b) { return key(a) < key(b); });
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].pitch, expected[i].pitch);
    EXPECT_EQ(got[i].velocity, expected[i].velocity);
    EXPECT_EQ(got[i].channel, expected[i].channel);
    EXPECT_EQ(got[i].track, expected[i].track);
    EXPECT_NEAR(got[i].start, expected[i].start, 0.001);
    EXPECT_NEAR(got[i].end, expected[i].end, 0.001);
  }
}

TEST(MidiWriter, WritesPedalEvents) {
  test::TempDir dir;
  write_midi_file(
      dir / "p.mid",
      {{"piano", 0, 0, {{60, 80, 0.0, 1.0, 0, 0}}, {{0.25, 64, 127, 0, 0}, {0.75, 64, 0, 0, 0}}}});
  const MidiFile f = read_midi_file(dir / "p.mid");
  ASSERT_EQ(f.pedals.size(), 2u);
  EXPECT_NEAR(f.pedals[0].time, 0.25, 0.001);
  EXPECT_EQ(f.pedals[0].value, 127);
  EXPECT_NEAR(f.pedals[1].time, 0.75, 0.001);
}

TEST(MidiWriter, ReStruckNoteIsNotCutByThePreviousNoteOff) {
  // The first note ends exactly where the second starts: the note-off must come first.
  test::TempDir dir;
  write_midi_file(dir / "r.mid",
                  {{"piano", 0, 0, {{60, 80, 0.0, 1.0, 0, 0}, {60, 90, 1.0, 2.0, 0, 0}}, {}}});
  const MidiFile f = read_midi_file(dir / "r.mid");
  ASSERT_EQ(f.notes.size(), 2u);
  EXPECT_NEAR(f.notes[0].end, 1.0, 0.001);
  EXPECT_NEAR(f.notes[1].end, 2.0, 0.001);
}

TEST(MidiWriter, ZeroLengthNoteGetsOneTick) {
  const auto bytes = encode_midi({{"piano", 0, 0, {{60, 80, 0.5, 0.5, 0, 0}}, {}}});
  const MidiFile f = parse_midi(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), "z.mid");
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_GT(f.notes[0].end, f.notes[0].start);
  EXPECT_EQ(f.orphan_note_offs, 0u);
}

TEST(MidiWriter, RefusesOutOfRangeFields) {
  EXPECT_THROW(encode_midi({{"x", 16, 0, {}, {}}}), std::invalid_argument);
  EXPECT_THROW(encode_midi({{"x", 0, 128, {}, {}}}), std::invalid_argument);
  EXPECT_THROW(encode_midi({{"x", 0, 0, {{128, 80, 0.0, 1.0, 0, 0}}, {}}}), std::invalid_argument);
  EXPECT_THROW(encode_midi({{"x", 0, 0, {{60, 0, 0.0, 1.0, 0, 0}}, {}}}), std::invalid_argument);
  EXPECT_THROW(encode_midi({{"x", 0, 0, {{60, 80, -1.0, 1.0, 0, 0}}, {}}}), std::invalid_argument);
  EXPECT_THROW(encode_midi({{"x", 0, 0, {{60, 80, 2.0, 1.0, 0, 0}}, {}}}), std::invalid_argument);
  EXPECT_THROW(encode_midi({{"x", 0, 0, {{60, 80, 0.0, NAN, 0, 0}}, {}}}), std::invalid_argument);
}

TEST(MidiWriter, WritingLeavesNoTemporaryFiles) {
  test::TempDir dir;
  write_midi_file(dir / "a.mid", {{"piano", 0, 0, {{60, 80, 0.0, 1.0, 0, 0}}, {}}});
  write_midi_file(dir / "a.mid", {{"piano", 0, 0, {{62, 80, 0.0, 1.0, 0, 0}}, {}}});
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(read_midi_file(dir / "a.mid").notes.at(0).pitch, 62);
}

TEST(MidiWriter, FailedWriteLeavesTheOldFile) {
  test::TempDir dir;
  write_midi_file(dir / "a.mid", {{"piano", 0, 0, {{60, 80, 0.0, 1.0, 0, 0}}, {}}});
  EXPECT_THROW(write_midi_file(dir / "a.mid", {{"piano", 0, 0, {{60, 80, 0.0, -5.0, 0, 0}}, {}}}),
               std::invalid_argument);
  EXPECT_EQ(read_midi_file(dir / "a.mid").notes.at(0).pitch, 60);
}

}  // namespace
}  // namespace mlstm
