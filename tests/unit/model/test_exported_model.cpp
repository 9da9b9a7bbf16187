// The exported model's file (model/exported_model.hpp): a round trip gives the same arrays and
// configuration; every truncation, a flipped byte anywhere, another magic or version, and a
// header that lies about its arrays each get one ExportedModelError line naming the file, never a
// crash or a partial model; the file is written atomically.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "io/crc32c.hpp"
#include "model/exported_model.hpp"

namespace mlstm {
namespace {

std::vector<float> random_values(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

fast::PackedLstmLayer layer(int inputs, int hidden, std::mt19937& rng) {
  return {inputs, hidden,
          random_values(static_cast<std::size_t>(inputs + hidden) * 4 * hidden, rng),
          random_values(static_cast<std::size_t>(4 * hidden), rng)};
}

// A small seq2seq model with attention and class heads, its arrays sized as check() wants.
ExportedModel small_model() {
  std::mt19937 rng(3);
  ExportedModel m;
  m.run.name = "small";
  ModelConfig& c = m.run.model;
  c.context_notes = 6;
  c.embedding = 4;
  c.encoder_hidden = 5;
  c.decoder_hidden = 6;
  c.decoder_layers = 2;
  c.attention = true;
  c.velocity = true;
  c.time_head = HeadKind::kClasses;
  c.velocity_head = HeadKind::kClasses;
  c.time_bins = 8;
  c.velocity_bins = 4;
  fast::PackedModel& p = m.packed;
  p.config = c;
  p.embedding = random_values(129u * 4, rng);
  p.layers = {layer(p.input_features(), 6, rng), layer(6, 6, rng)};
  p.step_outputs = p.duration_outputs = 8;
  p.velocity_outputs = 4;
  p.head_weights = random_values(6u * p.outputs(), rng);
  p.head_bias = random_values(static_cast<std::size_t>(p.outputs()), rng);
  p.encoder_layers = {layer(p.input_features(), 5, rng), layer(p.input_features(), 5, rng)};
  p.to_h_weights = random_values(10u * 12, rng);
  p.to_h_bias = random_values(12, rng);
  p.to_c_weights = random_values(10u * 12, rng);
  p.to_c_bias = random_values(12, rng);
  p.attention_key_weights = random_values(10u * 6, rng);
  p.attention_value_weights = random_values(10u * 6, rng);
  p.attention_value_bias = random_values(6, rng);
  p.check();
  return m;
}

ExportedModel parse(const std::string& bytes) {
  return parse_exported_model(std::as_bytes(std::span<const char>(bytes)), "model.mlstm");
}

// The error parse() gives, or "" where it parses.
std::string error_of(const std::string& bytes) {
  try {
    parse(bytes);
  } catch (const ExportedModelError& e) {
    return e.what();
  }
  return "";
}

void expect_same(const ExportedModel& a, const ExportedModel& b) {
  EXPECT_EQ(a.run, b.run);
  EXPECT_EQ(a.packed.embedding, b.packed.embedding);
  ASSERT_EQ(a.packed.layers.size(), b.packed.layers.size());
  for (std::size_t l = 0; l < a.packed.layers.size(); ++l) {
    EXPECT_EQ(a.packed.layers[l].weights, b.packed.layers[l].weights);
    EXPECT_EQ(a.packed.layers[l].bias, b.packed.layers[l].bias);
    EXPECT_EQ(a.packed.layers[l].inputs, b.packed.layers[l].inputs);
  }
  EXPECT_EQ(a.packed.head_weights, b.packed.head_weights);
  EXPECT_EQ(a.packed.velocity_outputs, b.packed.velocity_outputs);
  EXPECT_EQ(a.packed.encoder_layers.size(), b.packed.encoder_layers.size());
  EXPECT_EQ(a.packed.to_c_weights, b.packed.to_c_weights);
  EXPECT_EQ(a.packed.attention_value_bias, b.packed.attention_value_bias);
}

TEST(ExportedModel, ARoundTripGivesTheSameModel) {
  const ExportedModel m = small_model();
  const std::string bytes = exported_model_bytes(m);
  EXPECT_TRUE(looks_like_exported_model(std::as_bytes(std::span<const char>(bytes))));
  expect_same(parse(bytes), m);
}

TEST(ExportedModel, ItIsWrittenAtomicallyAndReadBack) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "exported";
  std::filesystem::create_directories(dir);
  const auto file = dir / "small.mlstm";
  write_exported_model(small_model(), file);
  EXPECT_TRUE(is_exported_model(file));
  expect_same(read_exported_model(file), small_model());
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename(), "small.mlstm") << "a temporary file was left";
  }
  EXPECT_FALSE(is_exported_model(dir / "none.mlstm"));
  try {
    read_exported_model(dir / "none.mlstm");
    ADD_FAILURE() << "a missing file was read";
  } catch (const ExportedModelError& e) {
    EXPECT_NE(std::string(e.what()).find("none.mlstm: cannot read it"), std::string::npos);
  }
}

TEST(ExportedModel, EveryTruncationIsOneLineThatNamesTheFile) {
  const std::string bytes = exported_model_bytes(small_model());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::string error = error_of(bytes.substr(0, n));
    ASSERT_NE(error, "") << "a file cut at " << n << " of " << bytes.size() << " bytes parsed";
    EXPECT_EQ(error.rfind("model.mlstm: ", 0), 0u) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

TEST(ExportedModel, AFlippedByteAnywhereIsCaughtByTheChecksum) {
  const std::string bytes = exported_model_bytes(small_model());
  for (std::size_t at = 8; at < bytes.size(); at += 7) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    EXPECT_NE(error_of(bad), "") << "a byte flipped at " << at << " was not seen";
  }
}

TEST(ExportedModel, AnotherFileOrVersionIsSaidPlainly) {
  std::string bytes = exported_model_bytes(small_model());
  EXPECT_NE(error_of("MThd\0\0\0\6").find("not an exported music-lstm model"), std::string::npos);
  std::string newer = bytes;
  newer[8] = 2;  // the version
  const std::uint32_t crc = crc32c(newer.data(), newer.size() - 4);
  std::memcpy(newer.data() + newer.size() - 4, &crc, 4);
  EXPECT_NE(error_of(newer).find("format version 2; this music-lstm reads version 1"),
            std::string::npos)
      << error_of(newer);
}

// A header rewritten (and the checksum made to match): what the checksum cannot catch, the
// checks behind it do.
std::string with_header(const std::string& bytes, const std::string& find,
                        const std::string& replace) {
  std::uint32_t size = 0;
  std::memcpy(&size, bytes.data() + 12, 4);
  std::string header = bytes.substr(16, size);
  const auto at = header.find(find);
  EXPECT_NE(at, std::string::npos) << find;
  header.replace(at, find.size(), replace);
  std::string out = bytes.substr(0, 12);
  const auto new_size = static_cast<std::uint32_t>(header.size());
  out.append(reinterpret_cast<const char*>(&new_size), 4);
  out += header;
  out += bytes.substr(16 + size, bytes.size() - 16 - size - 4);
  const std::uint32_t crc = crc32c(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&crc), 4);
  return out;
}

TEST(ExportedModel, AHeaderThatLiesAboutItsArraysIsRefused) {
  const std::string bytes = exported_model_bytes(small_model());
  EXPECT_EQ(error_of(with_header(bytes, "\"name\":\"small\"", "\"name\":\"other\"")), "");
  // An array said to be longer than the file.
  EXPECT_NE(error_of(with_header(bytes, "{\"count\":516,", "{\"count\":99999999999,"))
                .find("runs past the end of the file"),
            std::string::npos);
  // An array said to hold nothing (the fuzzer's find: no copy from an empty array's null data,
  // which UndefinedBehaviorSanitizer reports).
  EXPECT_NE(error_of(with_header(bytes, "{\"count\":516,", "{\"count\":0,")), "");
  // The configuration and the arrays disagree.
  EXPECT_NE(error_of(with_header(bytes, "\"decoder_hidden\":6", "\"decoder_hidden\":7"))
                .find("do not fit its configuration"),
            std::string::npos);
  EXPECT_NE(error_of(with_header(bytes, "\"name\":\"embedding\"", "\"name\":\"weights\""))
                .find("expected 'embedding'"),
            std::string::npos);
  EXPECT_NE(error_of(with_header(bytes, "\"arrays\"", "\"arrayz\"")).find("corrupt header"),
            std::string::npos);
  EXPECT_NE(error_of(with_header(bytes, "\"context_notes\":6", "\"context_notes\":-6")), "");
}

}  // namespace
}  // namespace mlstm
