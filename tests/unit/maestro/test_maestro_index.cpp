#include <gtest/gtest.h>

#include <fstream>

#include "maestro/maestro_index.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_dataset.hpp"

namespace mlstm {
namespace {

TEST(MaestroIndex, ReadsRowsWithQuotedCommasAndSplits) {
  test::TempDir dir;
  test::make_tiny_dataset(dir.path(), test::tiny_rows(), false);
  const MaestroIndex index = load_maestro_index(dir.path());
  ASSERT_EQ(index.performances.size(), 5u);
  EXPECT_EQ(index.performances[0].composer, "Bach, Johann Sebastian");
  EXPECT_EQ(index.performances[1].title, "Prelude \"No. 1\", in C");
  EXPECT_EQ(index.performances[0].year, 2004);
  EXPECT_DOUBLE_EQ(index.performances[0].duration, 12.5);
  EXPECT_EQ(index.count(Split::kTrain), 3u);
  EXPECT_EQ(index.count(Split::kValidation), 1u);
  EXPECT_EQ(index.count(Split::kTest), 1u);
  EXPECT_EQ(index.of_split(Split::kTest).at(0)->midi_filename, "2008/e.midi");
}

TEST(MaestroIndex, MissingFolderNamesGetData) {
  try {
    load_maestro_index("/nonexistent/maestro");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("music-lstm get-data"), std::string::npos) << e.what();
  }
}

TEST(MaestroIndex, FolderWithoutCsvNamesGetData) {
  test::TempDir dir;
  try {
    load_maestro_index(dir.path());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("music-lstm get-data"), std::string::npos) << e.what();
  }
}

void write_csv(const std::filesystem::path& root, const std::string& body) {
  std::ofstream(root / "maestro-v3.0.0.csv")
      << "canonical_composer,canonical_title,split,year,midi_filename,audio_filename,duration\n"
      << body;
}

TEST(MaestroIndex, UnknownSplitNamesTheLine) {
  test::TempDir dir;
  write_csv(dir.path(), "A,B,train,2004,a.midi,a.wav,1\nA,B,holdout,2004,b.midi,b.wav,1\n");
  try {
    load_maestro_index(dir.path());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3: unknown split 'holdout'"), std::string::npos)
        << e.what();
  }
}

TEST(MaestroIndex, PathLeavingTheDatasetIsRefused) {
  test::TempDir dir;
  write_csv(dir.path(), "A,B,train,2004,../../etc/passwd,a.wav,1\n");
  EXPECT_THROW(load_maestro_index(dir.path()), std::runtime_error);
}

TEST(MaestroIndex, MalformedRowIsAnErrorNotACrash) {
  test::TempDir dir;
  write_csv(dir.path(), "A,B,train,not-a-year,a.midi,a.wav,1\n");
  EXPECT_THROW(load_maestro_index(dir.path()), std::runtime_error);
  write_csv(dir.path(), "A,\"unterminated,train,2004,a.midi,a.wav,1\n");
  EXPECT_THROW(load_maestro_index(dir.path()), std::runtime_error);
}

TEST(MaestroIndex, MissingFilesAreListed) {
  test::TempDir dir;
  test::make_tiny_dataset(dir.path(), test::tiny_rows());
  std::filesystem::remove(dir / "2006/d.midi");
  const MaestroIndex index = load_maestro_index(dir.path());
  const auto missing = missing_files(index);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0]->midi_filename, "2006/d.midi");
}

TEST(MaestroIndex, WritesJson) {
  test::TempDir dir;
  test::make_tiny_dataset(dir.path(), test::tiny_rows(), false);
  write_index_json(load_maestro_index(dir.path()), dir / "index.json");
  const std::string text = test::read_file(dir / "index.json");
  EXPECT_NE(text.find("\"train\": 3"), std::string::npos) << text.substr(0, 300);
  EXPECT_NE(text.find("Bach, Johann Sebastian"), std::string::npos);
}

}  // namespace
}  // namespace mlstm
