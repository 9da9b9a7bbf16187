// TensorBoard event files: TFRecord framing with masked CRC-32C, and scalar events that read back.
#include <gtest/gtest.h>

#include <cstring>

#include "io/crc32c.hpp"
#include "log/tensorboard_writer.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace mlstm {
namespace {

TEST(Crc32c, StandardTestVectors) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c("", 0), 0u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);  // RFC 3720 B.4
}

// A minimal protocol-buffer reader: enough for Event, Summary and Summary.Value.
struct Field {
  int number;
  int wire;
  std::uint64_t varint = 0;
  std::string bytes;  // length-delimited, or the raw 4/8 bytes of fixed fields
};

std::vector<Field> parse_message(const std::string& m) {
  std::vector<Field> out;
  std::size_t i = 0;
  auto varint = [&] {
    std::uint64_t v = 0;
    for (int shift = 0; i < m.size(); shift += 7) {
      const auto b = static_cast<std::uint8_t>(m[i++]);
      v |= std::uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  };
  while (i < m.size()) {
    const std::uint64_t key = varint();
    Field f{static_cast<int>(key >> 3), static_cast<int>(key & 7), 0, {}};
    if (f.wire == 0) {
      f.varint = varint();
    } else if (f.wire == 2) {
      const auto n = varint();
      f.bytes = m.substr(i, n);
      i += n;
    } else {
      const std::size_t n = f.wire == 1 ? 8 : 4;
      f.bytes = m.substr(i, n);
      i += n;
    }
    out.push_back(f);
  }
  return out;
}

struct Scalar {
  std::string tag;
  float value;
  std::int64_t step;
};

// Reads every record, checking both CRCs of each; returns the scalars.
std::vector<Scalar> read_events(const std::filesystem::path& path, std::string& file_version) {
  const std::string all = test::read_file(path);
  std::vector<Scalar> out;
  std::size_t i = 0;
  while (i < all.size()) {
    std::uint64_t len;
    std::uint32_t len_crc, data_crc;
    EXPECT_LE(i + 12, all.size());
    std::memcpy(&len, all.data() + i, 8);
    std::memcpy(&len_crc, all.data() + i + 8, 4);
    EXPECT_EQ(len_crc, masked_crc32c(all.data() + i, 8)) << "length CRC at byte " << i;
    const std::string data = all.substr(i + 12, len);
    std::memcpy(&data_crc, all.data() + i + 12 + len, 4);
    EXPECT_EQ(data_crc, masked_crc32c(data.data(), data.size())) << "data CRC at byte " << i;
    i += 12 + len + 4;
    std::int64_t step = 0;
    for (const Field& f : parse_message(data)) {
      if (f.number == 2) step = static_cast<std::int64_t>(f.varint);
      if (f.number == 3) file_version = f.bytes;
      if (f.number == 5) {
        for (const Field& v : parse_message(f.bytes)) {
          Scalar s{"", 0.0f, step};
          for (const Field& g : parse_message(v.bytes)) {
            if (g.number == 1) s.tag = g.bytes;
            if (g.number == 2) std::memcpy(&s.value, g.bytes.data(), 4);
          }
          out.push_back(s);
        }
      }
    }
  }
  return out;
}

TEST(TensorBoardWriter, ScalarsReadBackWithValidCrcs) {
  test::TempDir dir;
  std::filesystem::path path;
  {
    TensorBoardWriter w(dir.path());
    w.scalar("train/loss", 2.5, 10);
    w.scalar("validation/pitch", 3.25, 20);
    w.scalar("learning_rate", 0.001, 20);
    w.flush();
    path = w.path();
  }
  EXPECT_TRUE(path.filename().string().starts_with("events.out.tfevents."));
  std::string version;
  const auto s = read_events(path, version);
  EXPECT_EQ(version, "brain.Event:2");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].tag, "train/loss");
  EXPECT_FLOAT_EQ(s[0].value, 2.5f);
  EXPECT_EQ(s[0].step, 10);
  EXPECT_EQ(s[1].tag, "validation/pitch");
  EXPECT_FLOAT_EQ(s[1].value, 3.25f);
  EXPECT_EQ(s[2].step, 20);
  EXPECT_FLOAT_EQ(s[2].value, 0.001f);
}

TEST(TensorBoardWriter, CorruptedRecordFailsItsCrc) {
  const std::string r =
      TensorBoardWriter::encode_record(TensorBoardWriter::encode_scalar_event("a", 1.0f, 1, 0.0));
  std::string bad = r;
  bad[14] ^= 1;
  std::uint32_t crc;
  std::memcpy(&crc, bad.data() + bad.size() - 4, 4);
  EXPECT_NE(crc, masked_crc32c(bad.data() + 12, bad.size() - 16));
  std::memcpy(&crc, r.data() + r.size() - 4, 4);
  EXPECT_EQ(crc, masked_crc32c(r.data() + 12, r.size() - 16));
}

}  // namespace
}  // namespace mlstm
