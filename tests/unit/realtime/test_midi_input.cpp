// MIDI input: every malformed message classified and counted, never played; a flood survived with
// nothing lost; replayed files arrive at their exact frames.
#include <gtest/gtest.h>

#include <vector>

#include "events/midi_message.hpp"
#include "midi/input_router.hpp"
#include "midi/midi_output.hpp"
#include "replay/replay_source.hpp"
#include "support/click_instrument.hpp"

namespace mlstm::rt {
namespace {

MessageClass classify(std::vector<std::uint8_t> bytes) {
  return classify_midi_message(bytes.data(), bytes.size()).kind;
}

TEST(MidiMessage, CompleteChannelMessagesAreRead) {
  const std::vector<std::uint8_t> on = {0x93, 60, 100};
  const MidiMessage m = classify_midi_message(on.data(), on.size());
  EXPECT_EQ(m.kind, MessageClass::kChannel);
  EXPECT_EQ(m.type(), 0x90);
  EXPECT_EQ(m.channel(), 3);
  EXPECT_EQ(m.data1, 60);
  EXPECT_EQ(m.data2, 100);
  EXPECT_EQ(classify({0xC5, 12}), MessageClass::kChannel);
  EXPECT_EQ(classify({0xB0, 64, 127}), MessageClass::kChannel);
}

TEST(MidiMessage, MalformedMessagesAreNamed) {
  EXPECT_EQ(classify({}), MessageClass::kEmpty);
  EXPECT_EQ(classify({0x90, 60}), MessageClass::kTruncated);
  EXPECT_EQ(classify({0x90}), MessageClass::kTruncated);
  EXPECT_EQ(classify({0xC0}), MessageClass::kTruncated);
  EXPECT_EQ(classify({0x40, 0x40}), MessageClass::kStrayData);
  EXPECT_EQ(classify({0x90, 0x90, 0x40}), MessageClass::kBadData);
  EXPECT_EQ(classify({0x90, 60, 100, 62, 100}), MessageClass::kBadData);
  EXPECT_EQ(classify({0xF4}), MessageClass::kBadData);
  EXPECT_EQ(classify({0xF2, 1}), MessageClass::kTruncated);
}

TEST(MidiMessage, SystemMessagesAreIgnoredOrSysex) {
  EXPECT_EQ(classify({0xF8}), MessageClass::kClock);  // a clock pulse
  EXPECT_EQ(classify({0xFA}), MessageClass::kClock);  // start
  EXPECT_EQ(classify({0xFB}), MessageClass::kClock);  // continue
  EXPECT_EQ(classify({0xFC}), MessageClass::kClock);  // stop
  EXPECT_EQ(classify({0xF8, 0x40}), MessageClass::kBadData);
  EXPECT_EQ(classify({0xFE}), MessageClass::kIgnored);  // active sensing
  EXPECT_EQ(classify({0xF0, 0x7E, 0x7F, 0xF7}), MessageClass::kSysex);
  EXPECT_EQ(classify({0xA0, 60, 10}), MessageClass::kIgnored);  // polyphonic aftertouch
  EXPECT_EQ(classify({0xF2, 1, 2}), MessageClass::kIgnored);    // song position
}

class Router : public ::testing::Test {
 protected:
  test::ClickInstrument click_;
  AudioEngine engine_{click_, 48000};
  InputRouter router_{engine_, {.player_channel = 2, .latency_frames = 256}};
  float left_[256], right_[256];
  void send(std::vector<std::uint8_t> bytes, std::int64_t frame = 0) {
    router_.on_message_at_frame(bytes.data(), bytes.size(), frame);
  }
};

TEST_F(Router, MalformedMessagesAreCountedAndNeverPlayed) {
  engine_.record_played = true;
  send({0x90, 60});
  send({0x40, 0x40});
  send({0x90, 0x90, 0x40});
  send({0xF0, 1, 2, 0xF7});
  send({});
  send({0xFE});  // active sensing
  engine_.process(left_, right_, 256, 0);
  const InputCounters& c = router_.counters();
  EXPECT_EQ(c.messages.load(), 6u);
  EXPECT_EQ(c.truncated.load(), 1u);
  EXPECT_EQ(c.stray_data.load(), 1u);
  EXPECT_EQ(c.bad_data.load(), 2u);
  EXPECT_EQ(c.sysex.load(), 1u);
  EXPECT_EQ(c.ignored.load(), 1u);
  EXPECT_EQ(c.malformed(), 4u);
  SynthEvent e;
  EXPECT_FALSE(engine_.played().try_pop(e));
}

TEST_F(Router, MidiClockGoesToTheListenerAloneNeverToTheSynth) {
  engine_.record_played = true;
  InputRouter::ListenerQueue listener;
  router_.set_listener(&listener);
  send({0xFA}, 10);
  send({0xF8}, 20);
  send({0xFC}, 30);
  engine_.process(left_, right_, 256, 0);
  SynthEvent e;
  EXPECT_FALSE(engine_.played().try_pop(e));
  for (const auto& [status, frame] : {std::pair{0xFA, 10}, {0xF8, 20}, {0xFC, 30}}) {
    ASSERT_TRUE(listener.try_pop(e));
    EXPECT_EQ(e.kind, EventKind::kClock);
    EXPECT_EQ(e.data1, status);
    EXPECT_EQ(e.frame, frame);
  }
  EXPECT_EQ(router_.counters().clock.load(), 3u);
}

TEST_F(Router, ABoundKeysNoteOnGoesToTheListenerAlone) {
  engine_.record_played = true;
  InputRouter::ListenerQueue listener;
  router_.set_listener(&listener);
  ControlKeys keys;
  const std::uint64_t bits[2] = {std::uint64_t{1} << 21, std::uint64_t{1} << (108 - 64)};
  keys.set(bits);
  router_.set_control_keys(&keys);
  EXPECT_TRUE(keys.has(21) && keys.has(108) && !keys.has(60) && !keys.has(200));
  send({0x90, 21, 90}, 10);
  send({0x80, 21, 0}, 20);
  send({0x90, 60, 90}, 30);
  engine_.process(left_, right_, 256, 0);
  std::vector<SynthEvent> heard, listened;
  SynthEvent e;
  while (engine_.played().try_pop(e)) heard.push_back(e);
  while (listener.try_pop(e)) listened.push_back(e);
  // Heard: the key's note-off (harmless: it may have sounded before it was bound) and key 60.
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0].kind, EventKind::kNoteOff);
  EXPECT_EQ(heard[1].data1, 60);
  EXPECT_EQ(listened.size(), 3u);
}

TEST_F(Router, NotesGoToThePlayersChannelAndTheListener) {
  InputRouter::ListenerQueue listener;
  router_.set_listener(&listener);
  send({0x95, 64, 90}, 100);
  send({0x95, 64, 0}, 200);  // a note-on of velocity 0 is a note-off
  SynthEvent e;
  ASSERT_TRUE(listener.try_pop(e));
  EXPECT_EQ(e.kind, EventKind::kNoteOn);
  EXPECT_EQ(e.channel, 2);
  EXPECT_EQ(e.frame, 100);
  ASSERT_TRUE(listener.try_pop(e));
  EXPECT_EQ(e.kind, EventKind::kNoteOff);
  EXPECT_EQ(router_.counters().notes.load(), 1u);
}

TEST_F(Router, AFloodOfTenThousandMessagesASecondForAMinuteLosesNothing) {
  // 600,000 messages at 10,000 a second, fed between 256-frame blocks as the MIDI thread would
  // between two callbacks: about 53 per block.
  engine_.record_played = true;
  const std::int64_t total = 600'000;
  std::int64_t sent = 0, played = 0;
  SynthEvent e;
  for (std::int64_t block = 0; sent < total; block += 256) {
    while (sent < total && sent * 48000 / 10000 < block + 256) {
      const auto key = static_cast<std::uint8_t>(36 + (sent / 2) % 60);
      send(sent % 2 == 0 ? std::vector<std::uint8_t>{0x90, key, 80}
                         : std::vector<std::uint8_t>{0x80, key, 0},
           sent * 48000 / 10000 + 256);
      ++sent;
    }
    engine_.process(left_, right_, 256, block * 1'000'000'000 / 48000);
    while (engine_.played().try_pop(e)) ++played;
  }
  for (int i = 0; i < 4; ++i) engine_.process(left_, right_, 256, 0);
  while (engine_.played().try_pop(e)) ++played;
  EXPECT_EQ(router_.counters().dropped.load(), 0u);
  EXPECT_EQ(engine_.counters().pending_dropped.load(), 0u);
  EXPECT_EQ(played, total);
}

TEST_F(Router, AFloodFasterThanTheAudioThreadDrainsIsCountedNotBlocked) {
  // No block runs while 20,000 messages come: the queue holds 8,192; the rest are counted.
  for (int i = 0; i < 20000; ++i) send({0x90, 60, 100});
  EXPECT_EQ(router_.counters().dropped.load(), 20000u - AudioEngine::InputQueue::kCapacity);
}

TEST(Replay, MessagesAreInTimeOrderWithNoteOffsFirst) {
  MidiFile file;
  file.notes = {{60, 100, 0.0, 0.5, 0, 0}, {60, 90, 0.5, 1.0, 0, 0}, {64, 80, 0.25, 0.75, 0, 0}};
  file.pedals = {{0.1, 64, 127, 0, 0}};
  const auto messages = replay_messages(file, 3);
  ASSERT_EQ(messages.size(), 7u);
  EXPECT_EQ(messages[0].bytes[0], 0x93);
  EXPECT_EQ(messages[1].bytes[0], 0xB3);
  // At 0.5 s: the first note's off, then the re-struck note's on.
  EXPECT_DOUBLE_EQ(messages[3].seconds, 0.5);
  EXPECT_EQ(messages[3].bytes[0], 0x83);
  EXPECT_EQ(messages[4].bytes[0], 0x93);
}

TEST(Replay, OfflineFeedingStampsExactFrames) {
  test::ClickInstrument click;
  AudioEngine engine(click, 48000);
  InputRouter router(engine, {});
  engine.record_played = true;
  MidiFile file;
  file.notes = {{60, 100, 0.001, 0.2, 0, 0}, {62, 100, 0.0123, 0.3, 0, 0}};
  ReplaySource replay(replay_messages(file), 0.5);
  float left[256], right[256];
  for (std::int64_t block = 0; block < 48000; block += 256) {
    replay.feed_until(router, block + 256, 48000);
    engine.process(left, right, 256, 0);
  }
  EXPECT_TRUE(replay.finished());
  SynthEvent e;
  ASSERT_TRUE(engine.played().try_pop(e));
  EXPECT_EQ(e.frame, 24048);  // (0.5 + 0.001) * 48000
  ASSERT_TRUE(engine.played().try_pop(e));
  EXPECT_EQ(e.frame, 24590);  // (0.5 + 0.0123) * 48000 = 24590.4
}

}  // namespace
}  // namespace mlstm::rt

namespace mlstm::rt {
namespace {

TEST(MidiOut, EventsBecomeTheirMessages) {
  unsigned char b[3];
  ASSERT_EQ(midi_bytes(note_on(0, Voice::kModel, 1, 60, 90), b), 3);
  EXPECT_EQ(b[0], 0x91);
  EXPECT_EQ(b[1], 60);
  EXPECT_EQ(b[2], 90);
  ASSERT_EQ(midi_bytes(note_off(0, Voice::kModel, 1, 60), b), 3);
  EXPECT_EQ(b[0], 0x81);
  ASSERT_EQ(midi_bytes(program(Voice::kModel, 2, 40), b), 2);
  EXPECT_EQ(b[0], 0xC2);
  EXPECT_EQ(b[1], 40);
  ASSERT_EQ(midi_bytes({0, EventKind::kChannelSilence, Voice::kModel, 3}, b), 3);
  EXPECT_EQ(b[0], 0xB3);
  EXPECT_EQ(b[1], 123);  // all notes off
  EXPECT_EQ(midi_bytes({0, EventKind::kPanic}, b), 0);
  ASSERT_EQ(midi_bytes({0, EventKind::kClock, Voice::kClick, 0, 0xF8}, b), 1);
  EXPECT_EQ(b[0], 0xF8);  // a clock pulse: one byte, no channel
}

}  // namespace
}  // namespace mlstm::rt
