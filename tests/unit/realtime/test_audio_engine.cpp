// The audio engine: every event applied at its own sample, events for later blocks kept, late
// events played at once and counted, panic and channel silence, the played-events report.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "audio/offline_driver.hpp"
#include "engine/audio_engine.hpp"
#include "support/click_instrument.hpp"

namespace mlstm::rt {
namespace {

// Renders with the click instrument and returns the frames of every non-zero sample.
std::vector<std::int64_t> onsets(AudioEngine& engine, std::int64_t frames, int block,
                                 const OfflineHooks& hooks = {}) {
  std::vector<std::int64_t> found;
  std::vector<float> left(static_cast<std::size_t>(block)), right(left.size());
  for (std::int64_t start = 0; start < frames; start += block) {
    if (hooks.before_block) hooks.before_block(start, start + block);
    engine.process(left.data(), right.data(), block, start * 1'000'000'000 / 48000);
    for (int i = 0; i < block; ++i) {
      if (left[static_cast<std::size_t>(i)] != 0.0f) found.push_back(start + i);
    }
  }
  return found;
}

TEST(AudioEngine, EveryEventSoundsAtItsExactSample) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  std::mt19937 random(7);
  std::vector<std::int64_t> frames;
  std::int64_t frame = 100;
  for (int i = 0; i < 2000; ++i) {
    frame += 1 + static_cast<std::int64_t>(random() % 700);  // often several in one block
    frames.push_back(frame);
  }
  // Queued all at once, long before they are due: the scheduler keeps them for their blocks.
  for (std::int64_t f : frames) {
    ASSERT_TRUE(engine.model_input().try_push(note_on(f, Voice::kModel, 1, 60, 100)));
  }
  const auto found = onsets(engine, frames.back() + 512, 256);
  EXPECT_EQ(found, frames);
  EXPECT_EQ(engine.counters().late_events.load(), 0u);
  EXPECT_EQ(engine.counters().pending_dropped.load(), 0u);
}

TEST(AudioEngine, OddBlockSizesChangeNothing) {
  for (int block : {1, 17, 64, 333, 4096}) {
    test::ClickInstrument click;
    AudioEngine engine(click, 48000);
    const std::vector<std::int64_t> frames = {0, 5, 4095, 4096, 4097, 9000};
    for (std::int64_t f : frames) {
      ASSERT_TRUE(engine.player_input().try_push(note_on(f, Voice::kPlayer, 0, 60, 100)));
    }
    EXPECT_EQ(onsets(engine, 10000, block), frames) << "block " << block;
  }
}

TEST(AudioEngine, ALateEventPlaysAtOnceAndIsCounted) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  std::vector<std::int64_t> found;
  const auto got =
      onsets(engine, 1024, 256, {.before_block = [&](std::int64_t start, std::int64_t) {
               if (start == 512) {
                 engine.player_input().try_push(note_on(300, Voice::kPlayer, 0, 60, 90));
               }
             }});
  EXPECT_EQ(got, (std::vector<std::int64_t>{512}));
  EXPECT_EQ(engine.counters().late_events.load(), 1u);
}

TEST(AudioEngine, PlayedEventsCarryTheFrameTheyWereAppliedAt) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  engine.record_played = true;
  engine.model_input().try_push(note_on(1000, Voice::kModel, 1, 64, 80));
  engine.model_input().try_push(note_off(1500, Voice::kModel, 1, 64));
  onsets(engine, 2048, 256);
  SynthEvent e;
  ASSERT_TRUE(engine.played().try_pop(e));
  EXPECT_EQ(e.frame, 1000);
  EXPECT_EQ(e.kind, EventKind::kNoteOn);
  EXPECT_EQ(e.voice, Voice::kModel);
  ASSERT_TRUE(engine.played().try_pop(e));
  EXPECT_EQ(e.frame, 1500);
  EXPECT_EQ(e.kind, EventKind::kNoteOff);
}

TEST(AudioEngine, PanicDropsEverythingPending) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  for (int i = 1; i <= 10; ++i) {
    engine.model_input().try_push(note_on(i * 1000, Voice::kModel, 1, 60, 100));
  }
  const auto got =
      onsets(engine, 12000, 256, {.before_block = [&](std::int64_t start, std::int64_t) {
               if (start == 2560) {
                 engine.control_input().try_push({kFrameNow, EventKind::kPanic});
               }
             }});
  EXPECT_EQ(got, (std::vector<std::int64_t>{1000, 2000}));
  EXPECT_EQ(engine.pending(), 0u);
}

TEST(AudioEngine, ChannelSilenceDropsOnlyThatChannel) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  engine.model_input().try_push(note_on(3000, Voice::kModel, 1, 60, 100));
  engine.player_input().try_push(note_on(3100, Voice::kPlayer, 0, 60, 100));
  engine.control_input().try_push({1000, EventKind::kChannelSilence, Voice::kModel, 1});
  EXPECT_EQ(onsets(engine, 4096, 256), (std::vector<std::int64_t>{3100}));
}

TEST(AudioEngine, AChannelSilenceGoesFirstAtItsFrame) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  // Queued before the silence, at the silence's frame: the silence still wins.
  engine.model_input().try_push(note_on(2000, Voice::kModel, 1, 60, 100));
  engine.model_input().try_push(note_on(1000, Voice::kModel, 1, 62, 100));
  engine.model_input().try_push({2000, EventKind::kChannelSilence, Voice::kModel, 1});
  EXPECT_EQ(onsets(engine, 4096, 256), (std::vector<std::int64_t>{1000}));
}

TEST(AudioEngine, AFullStoreCountsWhatItDrops) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  // More future events than the store holds, fed a queue at a time.
  const std::size_t total = AudioEngine::kPendingCapacity + 100;
  std::size_t sent = 0;
  float left[64], right[64];
  while (sent < total) {
    while (sent < total &&
           engine.model_input().try_push(note_on(1'000'000, Voice::kModel, 1, 60, 100))) {
      ++sent;
    }
    engine.process(left, right, 64, 0);
  }
  EXPECT_EQ(engine.counters().pending_dropped.load(), 100u);
}

TEST(AudioEngine, TheClockMapsTimeOntoFrames) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  float left[256], right[256];
  engine.process(left, right, 256, 1'000'000'000);
  engine.process(left, right, 256, 1'005'333'333);
  // 10 ms after the second block began: 256 + 480 frames.
  EXPECT_EQ(engine.clock().frame_at(1'015'333'333), 256 + 480);
}

}  // namespace
}  // namespace mlstm::rt
