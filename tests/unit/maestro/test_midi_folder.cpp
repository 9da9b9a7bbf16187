// A plain folder of MIDI files as a dataset: every .mid/.midi under it, split by a hash of its
// path (stable when files come and go), split.csv choosing by hand, and one line for what is wrong.
#include <gtest/gtest.h>

#include <fstream>

#include "data/midi_folder.hpp"
#include "maestro/dataset.hpp"
#include "midi/midi_writer.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_dataset.hpp"

namespace mlstm {
namespace {

void write_scale(const std::filesystem::path& file, int first_pitch, int notes = 16) {
  std::vector<Note> out;
  for (int k = 0; k < notes; ++k) out.push_back({first_pitch + k, 70, k * 0.25, k * 0.25 + 0.2});
  std::filesystem::create_directories(file.parent_path());
  write_midi_file(file, {{"piano", 0, 0, out, {}}});
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(MidiFolder, EveryMidiFileUnderTheFolderIsAPerformance) {
  test::TempDir dir;
  write_scale(dir / "a.mid", 40);
  write_scale(dir / "jazz/b.MIDI", 50);
  write_scale(dir / "jazz/ballads/c.midi", 60);
  std::ofstream(dir / "notes.txt") << "not a MIDI file";
  const MaestroIndex index = load_midi_folder_index(dir.path(), {});
  ASSERT_EQ(index.performances.size(), 3u);
  EXPECT_EQ(index.performances[0].midi_filename, "a.mid");
  EXPECT_EQ(index.performances[1].midi_filename, "jazz/b.MIDI");
  EXPECT_EQ(index.performances[2].midi_filename, "jazz/ballads/c.midi");
  EXPECT_EQ(index.performances[2].composer, "jazz");  // the first folder names the collection
  EXPECT_EQ(index.performances[2].title, "c");
  EXPECT_TRUE(index.csv.empty());
}

TEST(MidiFolder, TheSplitFollowsEachPathAloneAndTheFractions) {
  test::TempDir dir;
  for (int i = 0; i < 200; ++i) write_scale(dir / ("f" + std::to_string(i) + ".mid"), 40, 2);
  const DataSplitOptions fractions{.valid_fraction = 0.2, .test_fraction = 0.1};
  const MaestroIndex all = load_midi_folder_index(dir.path(), fractions);
  // About the fractions asked for (200 hashes: within a few files).
  EXPECT_NEAR(static_cast<double>(all.count(Split::kValidation)), 40.0, 14.0);
  EXPECT_NEAR(static_cast<double>(all.count(Split::kTest)), 20.0, 10.0);
  // Each file's split is its path's: removing half the files moves none of the others.
  for (int i = 100; i < 200; ++i) std::filesystem::remove(dir / ("f" + std::to_string(i) + ".mid"));
  const MaestroIndex half = load_midi_folder_index(dir.path(), fractions);
  for (const Performance& p : half.performances) {
    const auto same =
        std::find_if(all.performances.begin(), all.performances.end(),
                     [&](const Performance& q) { return q.midi_filename == p.midi_filename; });
    ASSERT_NE(same, all.performances.end());
    EXPECT_EQ(same->split, p.split) << p.midi_filename;
  }
}

TEST(MidiFolder, ASmallFolderStillHasAValidationFile) {
  test::TempDir dir;
  write_scale(dir / "one.mid", 40);
  write_scale(dir / "two.mid", 50);
  write_scale(dir / "three.mid", 60);
  const MaestroIndex index = load_midi_folder_index(dir.path(), {0.01, 0.0});
  EXPECT_EQ(index.count(Split::kValidation), 1u);
  EXPECT_EQ(index.count(Split::kTrain), 2u);
}

TEST(MidiFolder, SplitCsvChoosesTheFilesItLists) {
  test::TempDir dir;
  write_scale(dir / "a.mid", 40);
  write_scale(dir / "sub/b.mid", 50);
  std::ofstream(dir / "split.csv") << "midi_filename,split\nsub/b.mid,test\na.mid,validation\n";
  const MaestroIndex index = load_midi_folder_index(dir.path(), {});
  EXPECT_EQ(index.performances[0].split, Split::kValidation);
  EXPECT_EQ(index.performances[1].split, Split::kTest);
  EXPECT_EQ(index.csv, dir / "split.csv");
}

TEST(MidiFolder, WhatIsWrongIsOneLine) {
  test::TempDir dir;
  EXPECT_NE(error_of([&] { load_midi_folder_index(dir / "absent", {}); }).find("no dataset folder"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_midi_folder_index(dir.path(), {}); }).find("no MIDI files"),
            std::string::npos);
  write_scale(dir / "a.mid", 40);
  std::ofstream(dir / "split.csv") << "midi_filename,split\na.mid,holdout\n";
  EXPECT_NE(error_of([&] { load_midi_folder_index(dir.path(), {}); }).find("line 2: unknown split"),
            std::string::npos);
  std::ofstream(dir / "split.csv") << "midi_filename,split\nb.mid,test\n";
  EXPECT_NE(error_of([&] { load_midi_folder_index(dir.path(), {}); }).find("not a MIDI file in"),
            std::string::npos);
  std::filesystem::remove(dir / "split.csv");
  EXPECT_NE(error_of([&] {
              load_midi_folder_index(dir.path(), {0.7, 0.1});
            }).find("fractions"),
            std::string::npos);
}

TEST(MidiFolder, AMaestroFolderKeepsItsOwnSplit) {
  test::TempDir dir;
  test::make_tiny_dataset(dir.path(), test::tiny_rows());
  EXPECT_TRUE(has_maestro_csv(dir.path()));
  const MaestroIndex index = load_dataset_index(dir.path(), {});
  EXPECT_FALSE(index.csv.empty());
  EXPECT_EQ(index.count(Split::kTest), 1u);
}

TEST(MidiFolder, CorruptFilesAreCountedAndSkippedByTheDataset) {
  test::TempDir dir;
  write_scale(dir / "data/good.mid", 40);
  std::ofstream(dir / "data/bad.mid") << "not MIDI";
  const DatasetReport r = index_dataset(dir / "data", dir / "cache", 1, false);
  EXPECT_FALSE(r.maestro);
  ASSERT_EQ(r.corrupt.size(), 1u);
  EXPECT_NE(r.corrupt[0].find("bad.mid"), std::string::npos);
  EXPECT_EQ(r.usable[0] + r.usable[1] + r.usable[2], 1u);
}

}  // namespace
}  // namespace mlstm
