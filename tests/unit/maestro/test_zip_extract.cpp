#include <gtest/gtest.h>
#include <zip.h>

#include <fstream>

#include "maestro/zip_extract.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace mlstm {
namespace {

// Builds a zip with libzip; `files` are (name, contents).
void make_zip(const std::filesystem::path& path,
              const std::vector<std::pair<std::string, std::string>>& files) {
  int err = 0;
  zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(za, nullptr);
  for (const auto& [name, data] : files) {
    zip_source_t* src = zip_source_buffer(za, data.data(), data.size(), 0);
    ASSERT_GE(zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
  }
  ASSERT_EQ(zip_close(za), 0);
}

TEST(ZipExtract, UnpacksAndStripsTheCommonTopFolder) {
  test::TempDir dir;
  const std::string big(100000, 'm');
  make_zip(dir / "a.zip", {{"maestro-v3.0.0/maestro-v3.0.0.csv", "header\n"},
                           {"maestro-v3.0.0/2004/x.midi", big}});
  const auto r = extract_zip(dir / "a.zip", dir / "out", 1ull << 30, false);
  EXPECT_EQ(r.files, 2u);
  EXPECT_EQ(test::read_file(dir / "out/maestro-v3.0.0.csv"), "header\n");
  EXPECT_EQ(test::read_file(dir / "out/2004/x.midi"), big);
}

TEST(ZipExtract, KeepsPathsWithoutACommonFolder) {
  test::TempDir dir;
  make_zip(dir / "a.zip", {{"one/a", "1"}, {"two/b", "2"}});
  extract_zip(dir / "a.zip", dir / "out", 1ull << 30, false);
  EXPECT_EQ(test::read_file(dir / "out/one/a"), "1");
  EXPECT_EQ(test::read_file(dir / "out/two/b"), "2");
}

TEST(ZipExtract, CorruptEntryIsReported) {
  test::TempDir dir;
  // Stored incompressible-looking data; flip a byte in the middle of the entry's data.
  std::string data;
  for (int i = 0; i < 5000; ++i) data.push_back(static_cast<char>((i * 7919) % 251));
  make_zip(dir / "a.zip", {{"top/data.bin", data}});
  std::string bytes = test::read_file(dir / "a.zip");
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
  std::ofstream(dir / "a.zip", std::ios::binary | std::ios::trunc) << bytes;
  try {
    extract_zip(dir / "a.zip", dir / "out", 1ull << 30, false);
    FAIL() << "a corrupt zip unpacked";
  } catch (const ZipError& e) {
    EXPECT_NE(std::string(e.what()).find("a.zip"), std::string::npos) << e.what();
  }
}

TEST(ZipExtract, NotAZip) {
  test::TempDir dir;
  std::ofstream(dir / "a.zip") << "plain text";
  try {
    extract_zip(dir / "a.zip", dir / "out", 1ull << 30, false);
    FAIL();
  } catch (const ZipError& e) {
    EXPECT_NE(std::string(e.what()).find("not a valid zip archive"), std::string::npos) << e.what();
  }
}

TEST(ZipExtract, TruncatedZip) {
  test::TempDir dir;
  make_zip(dir / "a.zip", {{"top/a", std::string(20000, 'x')}});
  std::filesystem::resize_file(dir / "a.zip", std::filesystem::file_size(dir / "a.zip") - 30);
  EXPECT_THROW(extract_zip(dir / "a.zip", dir / "out", 1ull << 30, false), ZipError);
}

TEST(ZipExtract, EntryOutsideTheDestinationIsRefused) {
  test::TempDir dir;
  make_zip(dir / "a.zip", {{"../evil", "x"}, {"ok", "y"}});
  EXPECT_THROW(extract_zip(dir / "a.zip", dir / "out", 1ull << 30, false), ZipError);
  EXPECT_FALSE(std::filesystem::exists(dir / "evil"));
}

TEST(ZipExtract, ArchiveLargerThanTheLimitIsRefused) {
  test::TempDir dir;
  make_zip(dir / "a.zip", {{"top/a", std::string(4096, 'x')}});
  EXPECT_THROW(extract_zip(dir / "a.zip", dir / "out", 1000, false), ZipError);
}

}  // namespace
}  // namespace mlstm
