// One test per behaviour of the Standard MIDI File reader.
#include <gtest/gtest.h>

#include <fstream>

#include "midi/midi_file.hpp"
#include "support/smf_builder.hpp"
#include "support/temp_dir.hpp"

namespace mlstm {
namespace {

using test::smf;
using test::TrackBuilder;

constexpr int kTpq = 480;  // at the default 120 bpm: 960 ticks a second

MidiFile parse(const std::vector<std::uint8_t>& bytes) {
  return parse_midi(bytes, "test.mid");
}

TEST(MidiReader, ReadsFormat0Note) {
  const auto f = parse(smf(0, kTpq, {TrackBuilder().on(0, 0, 60, 100).off(960, 0, 60).end()}));
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.format, 0);
  EXPECT_EQ(f.notes[0].pitch, 60);
  EXPECT_EQ(f.notes[0].velocity, 100);
  EXPECT_DOUBLE_EQ(f.notes[0].start, 0.0);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 1.0);
  EXPECT_DOUBLE_EQ(f.duration, 1.0);
}

TEST(MidiReader, Format1NotesKeepTheirTrackAndName) {
  const auto f =
      parse(smf(1, kTpq,
                {TrackBuilder().meta(0, 0x03, "conductor").tempo(0, 500000).end(),
                 TrackBuilder().meta(0, 0x03, "piano").on(480, 2, 64, 80).off(480, 2, 64).end()}));
  ASSERT_EQ(f.tracks.size(), 2u);
  EXPECT_EQ(f.tracks[0].name, "conductor");
  EXPECT_EQ(f.tracks[1].name, "piano");
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.notes[0].track, 1);
  EXPECT_EQ(f.notes[0].channel, 2);
  EXPECT_DOUBLE_EQ(f.notes[0].start, 0.5);
}

TEST(MidiReader, RunningStatusRepeatsTheLastChannelStatus) {
  // 0x90 once, then three more events without a status byte (the last a velocity-0 note-off).
  const auto f = parse(smf(0, kTpq,
                           {TrackBuilder()
                                .raw({0x00, 0x90, 60, 100})
                                .raw({0x00, 64, 90})
                                .raw({0x83, 0x60, 60, 0})  // delta 480
                                .raw({0x00, 64, 0})
                                .end()}));
  ASSERT_EQ(f.notes.size(), 2u);
  EXPECT_EQ(f.notes[0].pitch, 60);
  EXPECT_EQ(f.notes[1].pitch, 64);
  EXPECT_DOUBLE_EQ(f.notes[1].end, 0.5);
}

TEST(MidiReader, MetaEventKeepsRunningStatus) {
  const auto f = parse(smf(0, kTpq,
                           {TrackBuilder()
                                .raw({0x00, 0x90, 60, 100})
                                .meta(0, 0x01, "text between")
                                .raw({0x60, 60, 0})
                                .end()}));
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 0.1);
}

TEST(MidiReader, NoteOnWithVelocityZeroIsNoteOff) {
  const auto f = parse(smf(0, kTpq, {TrackBuilder().on(0, 0, 60, 90).on(96, 0, 60, 0).end()}));
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 0.1);
  EXPECT_EQ(f.orphan_note_offs, 0u);
}

TEST(MidiReader, OverlappingSamePitchPairsFirstInFirstOut) {
  // Two C4s struck at 0 s and 1 s; the first note-off (2 s) ends the earliest, the second (3 s)
  // the later one.
  const auto f = parse(smf(
      0, kTpq,
      {TrackBuilder().on(0, 0, 60, 50).on(960, 0, 60, 70).off(960, 0, 60).off(960, 0, 60).end()}));
  ASSERT_EQ(f.notes.size(), 2u);
  EXPECT_EQ(f.notes[0].velocity, 50);
  EXPECT_DOUBLE_EQ(f.notes[0].start, 0.0);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 2.0);
  EXPECT_EQ(f.notes[1].velocity, 70);
  EXPECT_DOUBLE_EQ(f.notes[1].start, 1.0);
  EXPECT_DOUBLE_EQ(f.notes[1].end, 3.0);
}

TEST(MidiReader, SamePitchOnOtherChannelsDoesNotPair) {
  const auto f = parse(smf(
      0, kTpq,
      {TrackBuilder().on(0, 0, 60, 50).on(0, 1, 60, 50).off(960, 1, 60).off(960, 0, 60).end()}));
  ASSERT_EQ(f.notes.size(), 2u);
  for (const auto& n : f.notes) EXPECT_DOUBLE_EQ(n.end, n.channel == 1 ? 1.0 : 2.0);
}

TEST(MidiReader, TempoChangesMapTicksToSeconds) {
  // 120 bpm for one quarter (0.5 s), then 60 bpm: the next quarter lasts 1 s.
  const auto f =
      parse(smf(1, kTpq,
                {TrackBuilder().tempo(0, 500000).tempo(480, 1000000).tempo(480, 250000).end(),
                 TrackBuilder()
                     .on(480, 0, 60, 90)
                     .off(480, 0, 60)
                     .on(480, 0, 62, 90)
                     .off(480, 0, 62)
                     .end()}));
  ASSERT_EQ(f.tempo_map.size(), 3u);
  EXPECT_DOUBLE_EQ(f.tempo_map[1].seconds, 0.5);
  EXPECT_DOUBLE_EQ(f.tempo_map[2].seconds, 1.5);
  EXPECT_DOUBLE_EQ(f.tempo_map[2].bpm(), 240.0);
  ASSERT_EQ(f.notes.size(), 2u);
  EXPECT_DOUBLE_EQ(f.notes[0].start, 0.5);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 1.5);
  EXPECT_DOUBLE_EQ(f.notes[1].start, 1.5 + 0.25);  // 480 ticks at 240 bpm
  EXPECT_DOUBLE_EQ(f.notes[1].end, 2.0);
}

TEST(MidiReader, TempoInAnotherTrackAppliesToAll) {
  const auto f = parse(smf(1, kTpq,
                           {TrackBuilder().on(960, 0, 60, 90).off(960, 0, 60).end(),
                            TrackBuilder().tempo(0, 1000000).end()}));
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_DOUBLE_EQ(f.notes[0].start, 2.0);
}

TEST(MidiReader, SkipsMetaAndSysexEvents) {
  const auto f = parse(smf(0, kTpq,
                           {TrackBuilder()
                                .meta(0, 0x01, "a text event")
                                .meta(0, 0x7F, std::string(300, 'x'))  // 2-byte length
                                .raw({0x00, 0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7})
                                .raw({0x00, 0xF7, 0x02, 0x01, 0x02})
                                .meta(0, 0x58, "\x04\x02\x18\x08")
                                .on(0, 0, 60, 90)
                                .off(960, 0, 60)
                                .end()}));
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 1.0);
}

TEST(MidiReader, ReadsAllSixteenChannels) {
  TrackBuilder t;
  for (int ch = 0; ch < 16; ++ch) t.on(0, ch, 40 + ch, 90);
  for (int ch = 0; ch < 16; ++ch) t.off(ch == 0 ? 960 : 0, ch, 40 + ch);
  const auto f = parse(smf(0, kTpq, {t.end()}));
  ASSERT_EQ(f.notes.size(), 16u);
  for (const auto& n : f.notes) {
    EXPECT_EQ(n.channel, n.pitch - 40);
    EXPECT_DOUBLE_EQ(n.end, 1.0);
  }
}

TEST(MidiReader, KeepsSustainPedalAndIgnoresOtherControllers) {
  const auto f = parse(smf(0, kTpq,
                           {TrackBuilder()
                                .cc(0, 0, 7, 100)
                                .cc(0, 0, 64, 127)
                                .cc(480, 3, 64, 0)
                                .raw({0x00, 0xC0, 5})      // program change: one data byte
                                .raw({0x00, 0xE0, 0, 64})  // pitch bend
                                .end()}));
  ASSERT_EQ(f.pedals.size(), 2u);
  EXPECT_EQ(f.pedals[0].value, 127);
  EXPECT_DOUBLE_EQ(f.pedals[1].time, 0.5);
  EXPECT_EQ(f.pedals[1].channel, 3);
  EXPECT_EQ(f.pedals[1].value, 0);
}

TEST(MidiReader, SmpteDivision) {
  // 25 frames a second, 40 ticks a frame: 1000 ticks a second whatever the tempo says.
  const int division = ((256 - 25) << 8) | 40;
  const auto f = parse(smf(
      0, division, {TrackBuilder().tempo(0, 1000000).on(500, 0, 60, 90).off(1000, 0, 60).end()}));
  EXPECT_EQ(f.ticks_per_quarter, 0);
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_DOUBLE_EQ(f.notes[0].start, 0.5);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 1.5);
}

TEST(MidiReader, SkipsUnknownChunks) {
  auto file = test::header(0, 1, kTpq);
  test::append_chunk(file, "XFIH", {1, 2, 3, 4, 5});
  test::append_chunk(file, "MTrk", TrackBuilder().on(0, 0, 60, 90).off(960, 0, 60).end().bytes);
  EXPECT_EQ(parse(file).notes.size(), 1u);
}

TEST(MidiReader, UnterminatedNoteEndsAtTheEndOfTheFile) {
  const auto f = parse(smf(1, kTpq,
                           {TrackBuilder().on(0, 0, 60, 90).end(),
                            TrackBuilder().on(0, 0, 62, 90).off(1920, 0, 62).end(960)}));
  ASSERT_EQ(f.notes.size(), 2u);
  EXPECT_EQ(f.unterminated_notes, 1u);
  EXPECT_DOUBLE_EQ(f.duration, 3.0);
  EXPECT_DOUBLE_EQ(f.notes[0].end, 3.0);
}

TEST(MidiReader, StrayNoteOffIsCountedAndIgnored) {
  const auto f =
      parse(smf(0, kTpq, {TrackBuilder().off(0, 0, 60).on(0, 0, 61, 90).off(96, 0, 61).end()}));
  EXPECT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.orphan_note_offs, 1u);
}

TEST(MidiReader, TrackWithoutEndOfTrackIsAccepted) {
  const auto f = parse(smf(0, kTpq, {TrackBuilder().on(0, 0, 60, 90).off(96, 0, 60)}));
  EXPECT_EQ(f.notes.size(), 1u);
}

TEST(MidiReader, BytesAfterEndOfTrackAreIgnored) {
  const auto f = parse(
      smf(0, kTpq, {TrackBuilder().on(0, 0, 60, 90).off(96, 0, 60).end().raw({0xFF, 0xFF, 0x13})}));
  EXPECT_EQ(f.notes.size(), 1u);
}

TEST(MidiReader, NotesAreSortedByStartThenPitch) {
  const auto f = parse(smf(0, kTpq,
                           {TrackBuilder()
                                .on(0, 0, 67, 90)
                                .on(0, 0, 60, 90)
                                .on(0, 0, 64, 90)
                                .off(96, 0, 60)
                                .off(0, 0, 64)
                                .off(0, 0, 67)
                                .on(0, 0, 50, 90)
                                .off(96, 0, 50)
                                .end()}));
  ASSERT_EQ(f.notes.size(), 4u);
  EXPECT_EQ(f.notes[0].pitch, 60);
  EXPECT_EQ(f.notes[1].pitch, 64);
  EXPECT_EQ(f.notes[2].pitch, 67);
  EXPECT_EQ(f.notes[3].pitch, 50);
}

// --- Bad input: one MidiError naming the file and, where it applies, the byte offset. ---

void expect_error(const std::vector<std::uint8_t>& bytes, std::int64_t offset,
                  const std::string& fragment) {
  try {
    parse_midi(bytes, "bad.mid");
    FAIL() << "no error for input that should fail with '" << fragment << "'";
  } catch (const MidiError& e) {
    EXPECT_EQ(e.offset(), offset) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("bad.mid: ", 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line: " << e.what();
  }
}

TEST(MidiReaderBadInput, EmptyFile) {
  expect_error({}, 0, "empty file");
}

TEST(MidiReaderBadInput, TextFile) {
  const std::string text = "this is a text file named .mid\n";
  expect_error({text.begin(), text.end()}, 0, "not a MIDI file");
}

TEST(MidiReaderBadInput, TruncatedHeader) {
  auto file = test::header(0, 1, kTpq);
  file.resize(10);
  expect_error(file, 4, "runs past the end of the file");
}

TEST(MidiReaderBadInput, HeaderLengthTooShort) {
  auto file = test::header(0, 1, kTpq);
  file[7] = 4;
  expect_error(file, 4, "below 6");
}

TEST(MidiReaderBadInput, TruncatedTrack) {
  auto file = smf(0, kTpq, {TrackBuilder().on(0, 0, 60, 90).off(96, 0, 60).end()});
  file.resize(file.size() - 3);
  expect_error(file, 14, "truncated file");
}

TEST(MidiReaderBadInput, AbsurdDeclaredTrackLength) {
  auto file = smf(0, kTpq, {TrackBuilder().on(0, 0, 60, 90).end()});
  file[18] = file[19] = file[20] = file[21] = 0xFF;
  expect_error(file, 14, "declares 4294967295 bytes");
}

TEST(MidiReaderBadInput, MetaLengthPastTheTrack) {
  auto t = TrackBuilder().raw({0x00, 0xFF, 0x01, 0x8F, 0xFF, 0xFF, 0x7F, 'a'});
  expect_error(smf(0, kTpq, {t}), 29, "unexpected end of track while reading meta event data");
}

TEST(MidiReaderBadInput, VariableLengthQuantityTooLong) {
  expect_error(smf(0, kTpq, {TrackBuilder().raw({0x81, 0x81, 0x81, 0x81, 0x01, 0x90, 60, 90})}), 22,
               "longer than 4 bytes");
}

TEST(MidiReaderBadInput, DataByteWithoutRunningStatus) {
  expect_error(smf(0, kTpq, {TrackBuilder().raw({0x00, 0x3C, 0x40})}), 23,
               "where an event status belongs");
}

TEST(MidiReaderBadInput, SysexCancelsRunningStatus) {
  expect_error(
      smf(0, kTpq, {TrackBuilder().raw({0x00, 0x90, 60, 90, 0x00, 0xF0, 0x01, 0xF7, 0x00, 60, 0})}),
      31, "where an event status belongs");
}

TEST(MidiReaderBadInput, StatusByteWhereDataBelongs) {
  expect_error(smf(0, kTpq, {TrackBuilder().raw({0x00, 0x90, 60, 0x80})}), 25, "where a data byte");
}

TEST(MidiReaderBadInput, SystemRealtimeStatusInFile) {
  expect_error(smf(0, kTpq, {TrackBuilder().raw({0x00, 0xF8})}), 23, "0xF8 is not allowed");
}

TEST(MidiReaderBadInput, Format2IsRefused) {
  expect_error(smf(2, kTpq, {TrackBuilder().end()}), 8, "format 2");
}

TEST(MidiReaderBadInput, DivisionZero) {
  expect_error(smf(0, 0, {TrackBuilder().end()}), 12, "0 ticks");
}

TEST(MidiReaderBadInput, TempoOfWrongLength) {
  expect_error(smf(0, kTpq, {TrackBuilder().meta(0, 0x51, "\x07\xA1")}), 26, "expected 3");
}

TEST(MidiReaderBadInput, TempoOfZero) {
  expect_error(smf(0, kTpq, {TrackBuilder().meta(0, 0x51, std::string("\0\0\0", 3))}), 26,
               "tempo of 0");
}

TEST(MidiReaderBadInput, NoTrackChunk) {
  auto file = test::header(0, 1, kTpq);
  test::append_chunk(file, "XXXX", {1, 2});
  expect_error(file, 24, "no track");
}

TEST(MidiReaderBadInput, MissingFile) {
  try {
    read_midi_file("/nonexistent/dir/song.mid");
    FAIL();
  } catch (const MidiError& e) {
    EXPECT_EQ(e.offset(), -1);
    EXPECT_STREQ(e.what(), "/nonexistent/dir/song.mid: no such file");
  }
}

TEST(MidiReaderBadInput, FolderInsteadOfFile) {
  test::TempDir dir;
  EXPECT_THROW(read_midi_file(dir.path()), MidiError);
}

TEST(MidiReader, ReadsAFileFromDisk) {
  test::TempDir dir;
  const auto bytes = smf(0, kTpq, {TrackBuilder().on(0, 0, 60, 90).off(96, 0, 60).end()});
  std::ofstream(dir / "a.mid", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  EXPECT_EQ(read_midi_file(dir / "a.mid").notes.size(), 1u);
}

}  // namespace
}  // namespace mlstm
