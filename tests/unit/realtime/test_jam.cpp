// The jam as one object: what the command, the panel and the RealtimeSanitizer test start and
// stop. A stand-in model; the offline path and a live control thread on a clock the test moves.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "audio/offline_driver.hpp"
#include "perform/jam.hpp"
#include "support/click_instrument.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000;
constexpr int kBlock = 256;

std::vector<NoteFeatures> steps(std::span<const NoteFeatures> context, const SearchSettings& s) {
  std::vector<NoteFeatures> out;
  for (int i = 0; i < s.length; ++i) out.push_back({context.back().pitch + i % 5, 0.1, 0.08, 80});
  return out;
}

class JamTest : public ::testing::Test {
 protected:
  JamTest() : engine_(click_, kRate), router_(engine_, {.latency_frames = kBlock}) {}

  // A phrase of ten notes from `start` s, a quarter second apart, into the router.
  void phrase(double start) {
    for (int i = 0; i < 10; ++i) {
      const auto on = static_cast<std::int64_t>((start + 0.25 * i) * kRate);
      const std::uint8_t note_on[3] = {0x90, static_cast<std::uint8_t>(60 + i % 7), 90};
      const std::uint8_t note_off[3] = {0x80, static_cast<std::uint8_t>(60 + i % 7), 0};
      router_.on_message_at_frame(note_on, 3, on);
      router_.on_message_at_frame(note_off, 3, on + kRate / 5);
    }
  }

  test::ClickInstrument click_;
  AudioEngine engine_;
  InputRouter router_;
};

TEST_F(JamTest, OfflineItAnswersAPhraseAndReportsIt) {
  JamSettings settings;
  settings.search.length = 12;
  Jam jam(steps, settings, false);
  router_.set_listener(&jam.player_input());
  jam.attach(engine_, {.sample_rate = kRate, .buffer_frames = kBlock});
  phrase(0.5);
  OfflineHooks hooks;
  hooks.before_block = [&](std::int64_t start, std::int64_t) { jam.tick(start); };
  run_offline(engine_, 8 * kRate, kBlock, hooks, nullptr);
  EXPECT_TRUE(jam.idle(8 * kRate));
  const nlohmann::json report = jam.report();
  EXPECT_EQ(report["answers"], 1);
  EXPECT_EQ(report["answers_late"], 0);
  EXPECT_EQ(report["settings"]["length"], "12");
  EXPECT_EQ(jam.summary().rfind("1 answers (1 ready when the phrase ended", 0), 0u)
      << jam.summary();
}

TEST_F(JamTest, LiveItsThreadTicksThePerformerUntilStopped) {
  Jam jam(steps, JamSettings{}, true);
  router_.set_listener(&jam.player_input());
  jam.attach(engine_, {.sample_rate = kRate, .buffer_frames = kBlock});
  phrase(0.1);
  std::atomic<std::int64_t> now{0};
  jam.start([&] { return now.load(); });
  // The clock moves 10 s in steps; the answer comes once the gap after the phrase has passed.
  for (int i = 0; i < 1000 && jam.performer().counters().answers.load() == 0; ++i) {
    now += kRate / 100;
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  jam.stop();
  jam.stop();  // twice is harmless
  EXPECT_EQ(jam.performer().counters().answers.load(), 1u);
}

TEST_F(JamTest, ItMustBeAttachedBeforeItStarts) {
  Jam jam(steps, JamSettings{}, true);
  EXPECT_THROW(jam.start([] { return std::int64_t{0}; }), std::logic_error);
  jam.attach(engine_, {.sample_rate = kRate});
  EXPECT_THROW(jam.attach(engine_, {.sample_rate = kRate}), std::logic_error);
}

TEST_F(JamTest, WarmUpAnswersOnceWithTheJamsSettings) {
  std::atomic<int> calls{0};
  int length = 0;
  JamSettings settings;
  settings.search.length = 7;
  Jam jam(
      [&](std::span<const NoteFeatures> c, const SearchSettings& s) {
        ++calls;
        length = s.length;
        return steps(c, s);
      },
      settings, false);
  EXPECT_GE(jam.warm_up(10), 0.0);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(length, 7);
}

}  // namespace
}  // namespace mlstm::rt
