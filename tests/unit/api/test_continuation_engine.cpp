// The torch-free engine interface, as the real-time side uses it (this file includes no LibTorch).
#include <gtest/gtest.h>

#include <fstream>

#include "api/continuation_engine.hpp"
#include "support/temp_dir.hpp"

namespace mlstm {
namespace {

const std::filesystem::path kModel =
    std::filesystem::path(MUSIC_LSTM_SOURCE_DIR) / "tests/data/tiny-libtorch-2.11-cuda.ckpt";

std::vector<NoteFeatures> phrase(int n) {
  std::vector<NoteFeatures> out;
  for (int i = 0; i < n; ++i) out.push_back({60 + (i * 5) % 12, 0.3, 0.25, 70});
  return out;
}

TEST(ContinuationEngine, LoadsWarmsUpAndContinues) {
  auto engine = ContinuationEngine::load(kModel, ComputeDevice::kCpu);
  EXPECT_EQ(engine->context_notes(), 10);
  EXPECT_EQ(engine->device_name(), "cpu");
  EXPECT_NE(engine->description().find("29336 parameters"), std::string::npos);
  SearchSettings s;
  s.width = 8;
  engine->warm_up(s);
  const auto notes = engine->continue_notes(phrase(16), s);
  ASSERT_EQ(notes.size(), 50u);
  for (const auto& n : notes) {
    EXPECT_GE(n.pitch, 0);
    EXPECT_LE(n.pitch, 127);
    EXPECT_GE(n.duration, s.min_duration);
  }
  EXPECT_EQ(engine->continue_song(phrase(10), 120, s).size(), 120u);
}

TEST(ContinuationEngine, TheSameSettingsGiveTheSameAnswer) {
  auto engine = ContinuationEngine::load(kModel, ComputeDevice::kCpu);
  SearchSettings s;
  s.sampling = Sampling::kStochasticBeam;
  s.seed = 5;
  EXPECT_EQ(engine->continue_notes(phrase(10), s), engine->continue_notes(phrase(10), s));
}

TEST(ContinuationEngine, BadModelFilesAreOneLine) {
  test::TempDir dir;
  std::ofstream(dir / "bad.ckpt") << "not a model";
  for (const auto& path : {dir / "missing.ckpt", dir / "bad.ckpt"}) {
    try {
      ContinuationEngine::load(path, ComputeDevice::kCpu);
      FAIL() << path;
    } catch (const ModelError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
}

TEST(ContinuationEngine, ShortContextAndBadSettingsAreDecodeErrors) {
  auto engine = ContinuationEngine::load(kModel, ComputeDevice::kCpu);
  SearchSettings s;
  EXPECT_THROW(engine->continue_notes(phrase(3), s), DecodeError);
  s.temperature = -1;
  EXPECT_THROW(engine->continue_notes(phrase(10), s), DecodeError);
}

}  // namespace
}  // namespace mlstm
