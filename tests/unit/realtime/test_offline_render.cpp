// Offline rendering through FluidSynth: events land on their exact sample, and notes sound.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>

#include "support/temp_dir.hpp"
#include "synth/offline_render.hpp"

namespace mlstm {
namespace {

std::vector<float> read_left(const std::filesystem::path& wav) {
  SF_INFO info{};
  SNDFILE* f = sf_open(wav.c_str(), SFM_READ, &info);
  EXPECT_NE(f, nullptr);
  std::vector<float> frames(static_cast<std::size_t>(info.frames * info.channels));
  sf_readf_float(f, frames.data(), info.frames);
  sf_close(f);
  std::vector<float> left;
  for (std::size_t i = 0; i < frames.size(); i += 2) left.push_back(frames[i]);
  return left;
}

class OfflineRender : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto sf2 = default_soundfont();
    if (!sf2) GTEST_SKIP() << "no General MIDI soundfont installed (scripts/setup.sh installs one)";
    soundfont_ = *sf2;
  }
  std::filesystem::path soundfont_;
  test::TempDir dir_;
};

TEST_F(OfflineRender, ANoteSoundsFromFluidSynthsNextSixtyFourFrameBoundary) {
  // The scheduler hands each note-on to FluidSynth at its own sample (test_audio_engine shows it
  // with a click). FluidSynth renders in internal 64-frame blocks, so a note sounds from the next
  // such boundary: a note at 14,410 or 14,463 sounds exactly as one at 14,464, and one at 14,400
  // (a boundary) 64 frames earlier. Never early, at most 63 frames (1.3 ms) late.
  auto onset = [&](long long frame) {
    render_to_wav({{{{60, 100, frame / 48000.0, 0.8, 0, 0}}, 0, 0}}, soundfont_, dir_ / "a.wav",
                  {.tail_seconds = 0.1});
    const auto left = read_left(dir_ / "a.wav");
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (left[i] != 0.0f) return static_cast<long long>(i);
    }
    return -1LL;
  };
  const long long at_boundary = onset(14464);
  ASSERT_GE(at_boundary, 14464);
  EXPECT_EQ(onset(14410), at_boundary);
  EXPECT_EQ(onset(14463), at_boundary);
  EXPECT_EQ(onset(14400), at_boundary - 64);
}

TEST_F(OfflineRender, NotesAreNotSilent) {
  std::vector<Note> notes;
  for (int i = 0; i < 8; ++i) notes.push_back({60 + i, 90, i * 0.25, i * 0.25 + 0.2, 0, 0});
  const auto r = render_to_wav({{notes, 0, 0}, {notes, 1, 40}}, soundfont_, dir_ / "b.wav");
  EXPECT_GT(r.peak, 0.01);
  EXPECT_EQ(r.frames, std::llround((1.95 + 2.0) * 48000));
}

TEST_F(OfflineRender, MissingSoundfontIsOneLine) {
  try {
    render_to_wav({}, dir_ / "none.sf2", dir_ / "c.wav");
    FAIL();
  } catch (const RenderError& e) {
    EXPECT_NE(std::string(e.what()).find("none.sf2: no such soundfont"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "c.wav"));
}

}  // namespace
}  // namespace mlstm
