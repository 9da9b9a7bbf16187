// The standalone program's shell around the jam core (realtime/core/core_driver.hpp): its MIDI
// sources hand the player's messages with a frame or a steady-clock time; the device's callback
// renders blocks. Each message sounds at its frame in the block it falls in, a late one at the
// next block's first frame, a flood larger than a block carries over without loss, what a block
// cannot carry is counted, and the model's answer leaves for the session's MIDI out. A stand-in
// model; the core not live, so every run is the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/core_driver.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000, kBlock = 256, kLatency = 256;

std::vector<NoteFeatures> climb(std::span<const NoteFeatures> context, const SearchSettings& s) {
  std::vector<NoteFeatures> out;
  for (int i = 0; i < s.length; ++i) {
    out.push_back({40 + (context.back().pitch + i) % 48, 0.1, 0.08, 80});
  }
  return out;
}

class CoreDriverTest : public ::testing::Test {
 protected:
  CoreDriverTest() : core_(climb, settings(), options()), driver_(core_, kLatency) {
    core_.engine().record_played = true;
  }
  static JamSettings settings() {
    JamSettings s;
    s.search.length = 8;
    return s;
  }
  static JamCoreOptions options() {
    JamCoreOptions o;
    o.performer.sample_rate = kRate;
    o.performer.model_channel = 1;
    o.performer.context_notes = 4;
    o.performer.buffer_frames = kBlock;
    o.live = false;
    o.model_to_block = false;  // as the session runs it
    return o;
  }

  // Renders blocks until `frame`, each begun at its frame time on the steady clock from 1 s.
  void render_until(std::int64_t frame) {
    std::array<float, kBlock> left{}, right{};
    while (driver_.next_frame() < frame) {
      driver_.render(left.data(), right.data(), kBlock, steady_at(driver_.next_frame()));
    }
  }
  static std::int64_t steady_at(std::int64_t frame) {
    return 1'000'000'000 + frame * 1'000'000'000 / kRate;
  }
  void send(std::int64_t frame, std::uint8_t status, std::uint8_t key, std::uint8_t velocity) {
    const std::uint8_t bytes[3] = {status, key, velocity};
    driver_.on_message_at_frame(bytes, 3, frame);
  }
  // The player's events the engine applied, in order.
  std::vector<SynthEvent> player_applied() {
    std::vector<SynthEvent> v;
    SynthEvent e;
    while (core_.engine().played().try_pop(e)) {
      if (e.voice == Voice::kPlayer) v.push_back(e);
    }
    return v;
  }
  // What the jam core's input counted (the counters are atomics: summed into one in place).
  std::uint64_t count(std::atomic<std::uint64_t> InputCounters::*field) const {
    InputCounters c;
    driver_.add_counts(c);
    return (c.*field).load();
  }

  JamCore core_;
  CoreDriver driver_;
};

TEST_F(CoreDriverTest, AMessageSoundsAtItsFrameInTheBlockItFallsIn) {
  send(300, 0x90, 60, 100);
  send(1000, 0x80, 60, 0);
  render_until(2048);
  const auto applied = player_applied();
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].kind, EventKind::kNoteOn);
  EXPECT_EQ(applied[0].frame, 300);
  EXPECT_EQ(applied[1].kind, EventKind::kNoteOff);
  EXPECT_EQ(applied[1].frame, 1000);
}

TEST_F(CoreDriverTest, ALateMessageSoundsAtTheNextBlocksFirstFrame) {
  render_until(512);
  send(100, 0x90, 62, 90);  // its frame has already been played
  render_until(1024);
  const auto applied = player_applied();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].frame, 512);
}

TEST_F(CoreDriverTest, AMessageFromTheWallClockSoundsOneDeviceBlockAfterItArrived) {
  render_until(kBlock);  // the engine's clock: frame 0 began at steady_at(0)
  const std::uint8_t on[3] = {0x90, 64, 80};
  driver_.on_message(on, 3, steady_at(0) + 1'000'000);  // 1 ms in: frame 48
  render_until(1024);
  const auto applied = player_applied();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].frame, 48 + kLatency);
}

TEST_F(CoreDriverTest, AFloodLargerThanABlockCarriesOverWithNothingLost) {
  constexpr int kFlood = 700;  // a block carries 512
  for (int i = 0; i < kFlood; ++i) send(600, (i % 2) ? 0x80 : 0x90, 60 + i % 12, (i % 2) ? 0 : 70);
  render_until(4096);
  const auto applied = player_applied();
  ASSERT_EQ(applied.size(), static_cast<std::size_t>(kFlood));
  const std::size_t on_time = std::count_if(applied.begin(), applied.end(),
                                            [](const SynthEvent& e) { return e.frame == 600; });
  EXPECT_EQ(on_time, MidiBlock::kCapacity);
  for (std::size_t i = on_time; i < applied.size(); ++i) EXPECT_EQ(applied[i].frame, 768);
  EXPECT_EQ(count(&InputCounters::messages), static_cast<std::uint64_t>(kFlood));
  EXPECT_EQ(count(&InputCounters::dropped), 0u);
}

TEST_F(CoreDriverTest, WhatABlockCannotCarryIsCountedAndNeverPlayed) {
  const std::uint8_t sysex[6] = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
  const std::uint8_t long_note[4] = {0x90, 60, 100, 5};
  driver_.on_message_at_frame(sysex, sizeof sysex, 10);
  driver_.on_message_at_frame(long_note, sizeof long_note, 20);
  send(30, 0x90, 61, 100);
  render_until(1024);
  EXPECT_EQ(player_applied().size(), 1u);
  EXPECT_EQ(count(&InputCounters::messages), 3u);
  EXPECT_EQ(count(&InputCounters::sysex), 1u);
  EXPECT_EQ(count(&InputCounters::bad_data), 1u);
  EXPECT_EQ(count(&InputCounters::notes), 1u);
}

TEST_F(CoreDriverTest, TheModelsAnswerLeavesThroughTheEnginesForwardedQueue) {
  core_.engine().forward_model = true;  // what the session's MIDI out switches on
  for (int i = 0; i < 6; ++i) {
    const std::int64_t on = 4800 + i * 9600;
    send(on, 0x90, static_cast<std::uint8_t>(60 + 2 * i), 90);
    send(on + 7200, 0x80, static_cast<std::uint8_t>(60 + 2 * i), 0);
  }
  render_until(8 * kRate);
  int model_notes = 0;
  SynthEvent e;
  while (core_.engine().forwarded().try_pop(e)) {
    if (e.kind == EventKind::kNoteOn) {
      ++model_notes;
      EXPECT_EQ(e.channel, 1);
      EXPECT_GT(e.frame, 4800 + 5 * 9600 + 7200) << "the answer follows the phrase";
    }
  }
  EXPECT_EQ(model_notes, 8);
  EXPECT_EQ(core_.midi_out_dropped(), 0u);
}

}  // namespace
}  // namespace mlstm::rt
