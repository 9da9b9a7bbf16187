// The standalone jam in an Ableton Link session (realtime/link/), without a network: the line
// that maps a block's frames onto Link's clock, the transport a Link timeline gives a block, how
// far the session's phase must move for its bar lines to meet the jam's, the core driver that
// hands the core a provider's transport, and the jam's own beat published for Link to follow.
// (A real session with a second peer: tests/realtime/test_jam_link.py.)
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/core_driver.hpp"
#include "link/frame_clock.hpp"
#include "link/link_session.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000, kBlock = 256;

TEST(FrameClock, TakesTheCallbacksJitterOutHoursIntoASession) {
  // Frames and microseconds as they are after four hours of audio on a machine up for days.
  const std::int64_t frame0 = 4LL * 3600 * kRate;
  const double micros0 = 3.2e11, per_frame = 1e6 / kRate;
  std::mt19937 random(7);
  std::uniform_real_distribution<double> jitter(-400.0,
                                                400.0);  // a callback woken up to 0.4 ms off
  FrameClock clock;
  double worst = 0;
  for (int k = 0; k < 2000; ++k) {
    const std::int64_t frame = frame0 + std::int64_t{k} * kBlock;
    const double truth = micros0 + static_cast<double>(frame - frame0) * per_frame;
    const auto heard =
        clock.add(frame, std::chrono::microseconds(std::llround(truth + jitter(random))));
    if (k >= 600) worst = std::max(worst, std::abs(static_cast<double>(heard.count()) - truth));
  }
  EXPECT_LT(worst, 60.0) << "microseconds off the line once it has a few hundred blocks";
}

TEST(FrameClock, ADeviceWhoseTimeJumpsStartsANewLine) {
  FrameClock clock;
  for (int k = 0; k < 100; ++k) {
    clock.add(std::int64_t{k} * kBlock, std::chrono::microseconds(k * 5333));
  }
  // The stream stopped for a second (a device switched) while the frames went on.
  const auto heard = clock.add(100 * kBlock, std::chrono::microseconds(100 * 5333 + 1'000'000));
  EXPECT_NEAR(static_cast<double>(heard.count()), 100 * 5333 + 1'000'000, 1.0);
  const auto next = clock.add(101 * kBlock, std::chrono::microseconds(101 * 5333 + 1'000'000));
  EXPECT_NEAR(static_cast<double>(next.count()), 101 * 5333 + 1'000'000, 1.0);
}

TEST(LinkTransport, IsTheTimelinesBeatWithBarsOfTheQuantum) {
  const HostTransport t = link_transport(128.0, 9.5, 4.0);
  EXPECT_TRUE(t.valid && t.playing);
  EXPECT_EQ(t.source, TransportSource::kLink);
  EXPECT_EQ(t.bpm, 128.0);
  EXPECT_EQ(t.beat, 9.5);
  EXPECT_EQ(t.bar_start_beat, 8.0);
  EXPECT_EQ(t.beats_per_bar, 4.0);
  // Link's beats are negative before the session's beat 0.
  EXPECT_EQ(link_transport(100.0, -0.25, 3.0).bar_start_beat, -3.0);
}

TEST(LinkTransport, ThePhaseErrorIsTheShortWayToTheJamsBarLines) {
  TransportBeat jam;
  jam.period = kRate * 60.0 / 120.0;  // 120 bpm
  jam.phase = 0;
  jam.bar = 0;
  // 1.5 beats into the jam's bar; Link's phase is 1.0: it must move half a beat on.
  EXPECT_NEAR(link_phase_error(jam, 36000, 1.0, 4.0), 0.5, 1e-9);
  // 0.1 beats into the jam's bar, Link at 3.9: 0.2 on, not 3.8 back.
  EXPECT_NEAR(link_phase_error(jam, 2400, 3.9, 4.0), 0.2, 1e-9);
  // The jam's bar line ahead of the block (a bar line found later): the same phase.
  jam.bar = 4 * 24000 + 12000;
  EXPECT_NEAR(link_phase_error(jam, 0, 3.5, 4.0), 0.0, 1e-9);
}

std::vector<NoteFeatures> climb(std::span<const NoteFeatures> context, const SearchSettings& s) {
  std::vector<NoteFeatures> out;
  for (int i = 0; i < s.length; ++i) {
    out.push_back({40 + (context.back().pitch + i) % 48, 0.1, 0.08, 80});
  }
  return out;
}

// A stand-in for a Link session: a timeline at `bpm` from beat 0 at frame 0 while `peers`.
class FakeLink final : public TransportProvider {
 public:
  HostTransport at_block(std::int64_t block_start, int sample_rate) noexcept override {
    ++blocks;
    if (!peers) return {};
    return link_transport(bpm, static_cast<double>(block_start) / sample_rate * bpm / 60.0, 4.0);
  }
  bool peers = true;
  double bpm = 100.0;
  int blocks = 0;
};

class LinkDriverTest : public ::testing::Test {
 protected:
  LinkDriverTest() : core_(climb, settings(), options()), driver_(core_, kBlock) {
    core_.jam().performer().on_message = [this](const std::string& line) { said_.push_back(line); };
    driver_.set_transport(&link_);
  }
  static JamSettings settings() {
    JamSettings s;
    s.search.length = 8;
    s.entry = Entry::kBeat;
    return s;
  }
  static JamCoreOptions options() {
    JamCoreOptions o;
    o.performer.sample_rate = kRate;
    o.performer.model_channel = 1;
    o.performer.context_notes = 4;
    o.performer.buffer_frames = kBlock;
    o.live = false;
    o.model_to_block = false;
    return o;
  }
  void render_until(double seconds) {
    std::array<float, kBlock> left{}, right{};
    while (driver_.next_frame() < static_cast<std::int64_t>(seconds * kRate)) {
      driver_.render(left.data(), right.data(), kBlock, -1);
    }
  }
  void phrase(double start) {
    for (int i = 0; i < 6; ++i) {
      const auto on = static_cast<std::int64_t>((start + 0.2 * i) * kRate);
      const std::uint8_t down[3] = {0x90, static_cast<std::uint8_t>(60 + i), 90};
      const std::uint8_t up[3] = {0x80, static_cast<std::uint8_t>(60 + i), 0};
      driver_.on_message_at_frame(down, 3, on);
      driver_.on_message_at_frame(up, 3, on + static_cast<std::int64_t>(0.15 * kRate));
    }
  }

  FakeLink link_;
  JamCore core_;
  CoreDriver driver_;
  std::vector<std::string> said_;
};

TEST_F(LinkDriverTest, WithPeersTheSessionsBeatIsTheJamsAndTheAnswerEntersOnIt) {
  phrase(0.13);
  render_until(4.0);
  ASSERT_FALSE(said_.empty());
  EXPECT_EQ(said_.front(), "following Link at 100.0 bpm");
  const auto& answers = core_.jam().performer().answers();
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].beat.has_value());
  EXPECT_STREQ(answers[0].beat->source, "link");
  const double beats = static_cast<double>(answers[0].start) / (kRate * 0.6);
  EXPECT_NEAR(beats, std::round(beats), 1.0 / (kRate * 0.6)) << "not on the session's beat";
  // The jam's beat as published is the session's: Link must not lead with it.
  const std::optional<TransportBeat> published = core_.jam().performer().jam_beat().beat();
  ASSERT_TRUE(published.has_value());
  EXPECT_EQ(published->source, TransportSource::kLink);
  EXPECT_GT(link_.blocks, 0);
}

TEST_F(LinkDriverTest, AloneTheJamPublishesItsOwnBeatForLinkToFollow) {
  link_.peers = false;
  ASSERT_EQ(core_.jam().knobs().set("metronome", "click"), "");
  ASSERT_EQ(core_.jam().knobs().set("metronome-bpm", "90"), "");
  render_until(1.0);
  std::optional<TransportBeat> b = core_.jam().performer().jam_beat().beat();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->source, TransportSource::kJam);
  EXPECT_DOUBLE_EQ(b->bpm, 90.0);
  EXPECT_NEAR(b->period, kRate * 60.0 / 90.0, 1e-9);
  EXPECT_EQ(b->beats_per_bar, 4.0);
  // Then a peer comes: the session's beat rules, the metronome's no longer.
  link_.peers = true;
  render_until(2.0);
  EXPECT_EQ(said_.back(), "following Link at 100.0 bpm");
  b = core_.jam().performer().jam_beat().beat();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->source, TransportSource::kLink);
  EXPECT_DOUBLE_EQ(b->bpm, 100.0);
}

TEST(LinkSession, ABuildWithoutLinkSaysWhatToInstall) {
  if (link_built()) GTEST_SKIP() << "this build has Link";
  try {
    LinkSession link;
    FAIL() << "no Link in this build";
  } catch (const LinkError& e) {
    EXPECT_NE(std::string(e.what()).find("ableton-link-dev"), std::string::npos);
  }
}

}  // namespace
}  // namespace mlstm::rt
