#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "maestro/note_cache.hpp"
#include "midi/midi_file.hpp"
#include "midi/midi_writer.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_dataset.hpp"

namespace mlstm {
namespace {

class NoteCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { test::make_tiny_dataset(data_dir(), test::tiny_rows()); }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path cache_file() const { return dir_ / "cache" / "notes.bin"; }
  NoteCache update() { return update_note_cache(load_maestro_index(data_dir()), cache_file(), 2); }

  test::TempDir dir_;
};

TEST_F(NoteCacheTest, FirstRunParsesEveryFile) {
  const NoteCache c = update();
  EXPECT_TRUE(c.stats.rebuilt);
  EXPECT_EQ(c.stats.parsed, 5u);
  EXPECT_EQ(c.stats.reused, 0u);
  ASSERT_EQ(c.entries.size(), 5u);
  // The cached notes are what the reader gives.
  EXPECT_EQ(c.find("2004/a.midi")->notes, read_midi_file(data_dir() / "2004/a.midi").notes);
}

TEST_F(NoteCacheTest, SecondRunParsesNothing) {
  update();
  const NoteCache c = update();
  EXPECT_FALSE(c.stats.rebuilt);
  EXPECT_EQ(c.stats.parsed, 0u);
  EXPECT_EQ(c.stats.reused, 5u);
  EXPECT_EQ(c.find("2008/e.midi")->notes, read_midi_file(data_dir() / "2008/e.midi").notes);
}

TEST_F(NoteCacheTest, ChangedFileIsParsedAgain) {
  update();
  write_midi_file(data_dir() / "2006/c.midi", {{"piano", 0, 0, {{100, 90, 0.0, 0.5, 0, 0}}, {}}});
  // A new modification time even on file systems with coarse timestamps.
  std::filesystem::last_write_time(
      data_dir() / "2006/c.midi",
      std::filesystem::last_write_time(data_dir() / "2006/c.midi") + std::chrono::seconds(2));
  const NoteCache c = update();
  EXPECT_EQ(c.stats.parsed, 1u);
  EXPECT_EQ(c.stats.reused, 4u);
  ASSERT_EQ(c.find("2006/c.midi")->notes.size(), 1u);
  EXPECT_EQ(c.find("2006/c.midi")->notes[0].pitch, 100);
}

TEST_F(NoteCacheTest, CorruptFileIsCountedAndSkipped) {
  std::ofstream(data_dir() / "2004/b.midi", std::ios::trunc) << "not midi";
  const NoteCache c = update();
  EXPECT_EQ(c.stats.corrupt, 1u);
  const auto* e = c.find("2004/b.midi");
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->ok);
  EXPECT_NE(e->error.find("2004/b.midi: at byte 0"), std::string::npos) << e->error;
  // Remembered as corrupt: the next run does not parse it again, and still counts it.
  const NoteCache again = update();
  EXPECT_EQ(again.stats.parsed, 0u);
  EXPECT_EQ(again.stats.corrupt, 1u);
}

TEST_F(NoteCacheTest, MissingFileIsCounted) {
  std::filesystem::remove(data_dir() / "2008/e.midi");
  const NoteCache c = update();
  EXPECT_EQ(c.stats.missing, 1u);
  EXPECT_EQ(c.entries.size(), 4u);
}

TEST_F(NoteCacheTest, DamagedCacheIsRebuilt) {
  update();
  std::filesystem::resize_file(cache_file(), std::filesystem::file_size(cache_file()) / 2);
  EXPECT_THROW(read_note_cache_file(cache_file()), std::runtime_error);
  const NoteCache c = update();
  EXPECT_TRUE(c.stats.rebuilt);
  EXPECT_EQ(c.stats.parsed, 5u);
  EXPECT_EQ(read_note_cache_file(cache_file()).size(), 5u);
}

TEST_F(NoteCacheTest, CacheOfAnotherVersionIsRebuilt) {
  update();
  {
    std::fstream f(cache_file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    const std::uint32_t other = kNoteCacheVersion + 1;
    f.write(reinterpret_cast<const char*>(&other), sizeof other);
  }
  EXPECT_THROW(read_note_cache_file(cache_file()), std::runtime_error);
  EXPECT_TRUE(update().stats.rebuilt);
}

// A jam recording's two named tracks and its sustain pedal come back from the cache file as the
// reader gave them (training chooses tracks by name; the pedal is what the pianist heard).
TEST_F(NoteCacheTest, TrackNamesAndThePedalComeBackFromTheFile) {
  std::vector<Note> player = {{60, 80, 0.0, 0.5}}, model = {{64, 70, 0.5, 1.0}};
  std::vector<PedalEvent> pedal = {{0.1, 64, 127, 0, 0}, {0.9, 64, 0, 0, 0}};
  write_midi_file(data_dir() / "2004/a.midi",
                  {{"player", 0, 0, player, pedal}, {"model", 1, 0, model, {}}});
  update();
  const NoteCache c = update();
  ASSERT_EQ(c.stats.reused, 5u);  // read back from the file, not parsed
  const CachedPerformance* e = c.find("2004/a.midi");
  const MidiFile f = read_midi_file(data_dir() / "2004/a.midi");
  std::vector<std::string> names;
  for (const auto& t : f.tracks) names.push_back(t.name);
  EXPECT_EQ(e->track_names, names);
  EXPECT_NE(std::find(names.begin(), names.end(), "player"), names.end());
  ASSERT_EQ(e->pedals.size(), 2u);
  EXPECT_EQ(e->pedals, f.pedals);
}

TEST(DatasetCacheDir, DifferentFoldersGetDifferentCaches) {
  const auto a = dataset_cache_dir("/data/one/maestro", "/cache");
  const auto b = dataset_cache_dir("/data/two/maestro", "/cache");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.parent_path(), std::filesystem::path("/cache/datasets"));
  EXPECT_TRUE(a.filename().string().starts_with("maestro-"));
}

}  // namespace
}  // namespace mlstm
