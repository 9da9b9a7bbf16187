#include <gtest/gtest.h>

#include "io/atomic_file.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace mlstm {
namespace {

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, WritesAndReplaces) {
  test::TempDir dir;
  write_file_atomically(dir / "f", std::string_view("one"));
  write_file_atomically(dir / "f", std::string_view("two"));
  EXPECT_EQ(test::read_file(dir / "f"), "two");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFile, AWriterThatThrowsLeavesTheOldFileAndNoTemporary) {
  test::TempDir dir;
  write_file_atomically(dir / "f", std::string_view("old"));
  EXPECT_THROW(write_file_atomically(dir / "f",
                                     [](std::ostream& out) {
                                       out << "half of the new";
                                       throw std::runtime_error("interrupted");
                                     }),
               std::runtime_error);
  EXPECT_EQ(test::read_file(dir / "f"), "old");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFile, UnwritableFolderGivesOneLineNamingTheFile) {
  try {
    write_file_atomically("/nonexistent-folder/f", std::string_view("x"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write /nonexistent-folder/f"), std::string::npos);
  }
}

}  // namespace
}  // namespace mlstm
