// The jam core (realtime/core/jam_core.hpp) driven as a host drives it: blocks of MIDI in, the
// host's transport, MIDI out back. A stand-in model; not live, so every run is the same. The
// player's MIDI passes through at its frames, the model's answer comes out at the frames the
// performer planned (on the host's beat when asked), a tempo change of the transport is followed,
// long blocks are split, and nothing is dropped.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/jam_core.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000;

std::vector<NoteFeatures> climb(std::span<const NoteFeatures> context, const SearchSettings& s) {
  if (context.size() != 10) throw std::runtime_error("the stand-in reads 10 notes");
  std::vector<NoteFeatures> out;
  for (int i = 0; i < s.length; ++i) {
    out.push_back({40 + (context.back().pitch + i) % 48, 0.1, 0.08, 80});
  }
  return out;
}

// One MIDI message at an absolute frame, as the host saw it go in or come out.
struct Message {
  std::int64_t frame;
  std::uint8_t status, data1, data2;
};

class JamCoreTest : public ::testing::Test {
 protected:
  JamCoreTest() : core_(climb, settings(), options()) {
    core_.jam().performer().on_message = [this](const std::string& line) { said_.push_back(line); };
  }

  static JamSettings settings() {
    JamSettings s;
    s.search.length = 12;
    return s;
  }
  static JamCoreOptions options() {
    JamCoreOptions o;
    o.performer.sample_rate = kRate;
    o.performer.model_channel = 1;
    o.performer.context_notes = 10;
    o.performer.buffer_frames = 256;
    o.live = false;
    return o;
  }

  // A phrase of `notes` notes from `start` s, one every 0.2 s, each 0.15 s long.
  void phrase(double start, int notes) {
    for (int i = 0; i < notes; ++i) {
      const auto on = static_cast<std::int64_t>((start + 0.2 * i) * kRate);
      input_.push_back({on, 0x90, static_cast<std::uint8_t>(60 + i % 5), 90});
      input_.push_back({on + static_cast<std::int64_t>(0.15 * kRate), 0x80,
                        static_cast<std::uint8_t>(60 + i % 5), 0});
    }
  }

  // Runs the host until `seconds`, in blocks of `block` frames, the transport at `bpm` (0: the
  // host gives none) rolling from beat 0 at frame 0; from `change_at` s at `new_bpm`.
  void run(double seconds, int block, double bpm = 0, double change_at = 1e9, double new_bpm = 0) {
    std::size_t next = 0;
    double beat = 0;
    MidiBlock out;
    std::vector<BlockMidiEvent> in;
    while (now_ < static_cast<std::int64_t>(seconds * kRate)) {
      in.clear();
      while (next < input_.size() && input_[next].frame < now_ + block) {
        const Message& m = input_[next++];
        in.push_back({static_cast<std::uint32_t>(m.frame - now_), 3, {m.status, m.data1, m.data2}});
      }
      const double tempo = now_ >= change_at * kRate ? new_bpm : bpm;
      HostTransport t;
      t.valid = bpm > 0;
      t.playing = bpm > 0;
      t.bpm = tempo;
      t.beat = beat;
      t.bar_start_beat = std::floor(beat / beats_per_bar_) * beats_per_bar_;
      t.beats_per_bar = beats_per_bar_;
      core_.process(block, t, in, out);
      std::uint32_t last = 0;
      for (const BlockMidiEvent& e : out.events()) {
        EXPECT_GE(e.frame, last) << "MIDI out not in frame order";
        EXPECT_LT(e.frame, static_cast<std::uint32_t>(block));
        last = e.frame;
        out_.push_back({now_ + e.frame, e.bytes[0], e.bytes[1], e.bytes[2]});
      }
      if (bpm > 0) beat += tempo / 60.0 * block / kRate;
      now_ += block;
    }
    EXPECT_EQ(core_.next_block(), now_);
    EXPECT_EQ(core_.midi_out_dropped(), 0u);
  }

  std::vector<Message> model_note_ons() const {
    std::vector<Message> v;
    for (const Message& m : out_) {
      if (m.status == 0x91 && m.data2 > 0) v.push_back(m);
    }
    return v;
  }

  JamCore core_;
  std::vector<Message> input_, out_;
  std::vector<std::string> said_;
  std::int64_t now_ = 0;
  int beats_per_bar_ = 4;  // the host's time signature
};

TEST_F(JamCoreTest, ThePlayersMidiPassesThroughAtItsFrames) {
  phrase(0.1, 6);
  run(1.5, 256);
  std::vector<Message> passed;
  for (const Message& m : out_) {
    if ((m.status & 0x0F) == 0) passed.push_back(m);
  }
  ASSERT_EQ(passed.size(), 12u);
  for (std::size_t i = 0; i < passed.size(); ++i) {
    EXPECT_EQ(passed[i].frame, input_[i].frame);
    EXPECT_EQ(passed[i].status, input_[i].status);
    EXPECT_EQ(passed[i].data1, input_[i].data1);
  }
}

TEST_F(JamCoreTest, TheAnswerComesOutOnTheModelsChannelWhereThePerformerPlannedIt) {
  phrase(0.1, 10);
  run(6.0, 256);
  const auto answers = core_.jam().performer().answers();
  ASSERT_EQ(answers.size(), 1u);
  const std::vector<Message> ons = model_note_ons();
  ASSERT_EQ(ons.size(), 12u);
  // Its first note at the gap's end after the phrase's last note-off, to the frame.
  const std::int64_t last_off = input_.back().frame;
  EXPECT_EQ(answers[0].start, last_off + static_cast<std::int64_t>(0.35 * kRate));
  EXPECT_EQ(ons.front().frame, answers[0].start);
  // Every note it started, it ended.
  int offs = 0;
  for (const Message& m : out_) offs += m.status == 0x81 || (m.status == 0x91 && m.data2 == 0);
  EXPECT_EQ(offs, 12);
}

TEST_F(JamCoreTest, WithEntryOnTheBeatTheAnswerEntersOnTheHostsBeat) {
  ASSERT_EQ(core_.jam().knobs().set("entry", "beat"), "");
  phrase(0.13, 10);
  run(6.0, 256, 100.0);
  const std::vector<Message> ons = model_note_ons();
  ASSERT_FALSE(ons.empty());
  const double period = kRate * 60.0 / 100.0;
  const double beats = static_cast<double>(ons.front().frame) / period;
  EXPECT_NEAR(beats, std::round(beats), 1.0 / period) << "not on a beat of the host's 100 bpm";
  ASSERT_FALSE(said_.empty());
  EXPECT_EQ(said_.front(), "following the host's transport at 100.0 bpm");
  const auto answers = core_.jam().performer().answers();
  ASSERT_TRUE(answers[0].beat.has_value());
  EXPECT_STREQ(answers[0].beat->source, "host");
}

TEST_F(JamCoreTest, ATempoChangeOfTheTransportIsFollowed) {
  ASSERT_EQ(core_.jam().knobs().set("entry", "beat"), "");
  phrase(0.13, 10);
  phrase(6.07, 10);
  // 100 bpm, then 140 from 5 s (beat 8.33 there: the new beats fall between the old ones).
  run(12.0, 256, 100.0, 5.0, 140.0);
  const auto answers = core_.jam().performer().answers();
  ASSERT_EQ(answers.size(), 2u);
  // The host changes tempo at the first block from 5 s.
  const double change_frame = std::ceil(5.0 * kRate / 256) * 256;
  const double beat_at_change = 100.0 / 60.0 * change_frame / kRate;
  const double period = kRate * 60.0 / 140.0;
  const double beats =
      beat_at_change + (static_cast<double>(answers[1].start) - change_frame) / period;
  EXPECT_NEAR(beats, std::round(beats), 2.0 / period) << "not on the 140 bpm beat";
  EXPECT_NEAR(answers[1].beat->bpm, 140.0, 1e-9);
}

TEST_F(JamCoreTest, WithEntryOnTheBarTheHostsTimeSignatureCountsTheBar) {
  // The knob says 4 beats a bar; the host's transport is in 3/4 at 120 bpm.
  ASSERT_EQ(core_.jam().knobs().set("entry", "bar"), "");
  beats_per_bar_ = 3;
  phrase(0.13, 10);
  run(8.0, 256, 120.0);
  const std::vector<Message> ons = model_note_ons();
  ASSERT_FALSE(ons.empty());
  const double bar = 3 * kRate * 60.0 / 120.0;
  const double bars = static_cast<double>(ons.front().frame) / bar;
  EXPECT_NEAR(bars, std::round(bars), 1.0 / bar) << "not on a bar line of the host's 3/4";
}

TEST_F(JamCoreTest, ALongBlockIsSplitAndItsEventsKeepTheirFrames) {
  phrase(0.1, 10);
  run(6.0, 10000);  // more than the engine renders at once
  const auto answers = core_.jam().performer().answers();
  ASSERT_EQ(answers.size(), 1u);
  // The player's last note-off, 4,800 frames into a block of 10,000, was heard at its frame.
  EXPECT_EQ(answers[0].phrase_end, input_.back().frame);
  EXPECT_GT(input_.back().frame % 10000, AudioEngine::kMaxBlockFrames);
  // And the answer comes out where it was planned (the performer ticks once a block here, so
  // it is due a block after the gap's end at most).
  const std::vector<Message> ons = model_note_ons();
  ASSERT_EQ(ons.size(), 12u);
  EXPECT_EQ(ons.front().frame, answers[0].start);
  EXPECT_LE(answers[0].start, answers[0].gap_end + 10000);
}

TEST_F(JamCoreTest, AStoppedTransportGivesTheJamItsOwnBeatBack) {
  run(1.0, 256, 120.0);
  ASSERT_EQ(said_.size(), 1u);
  run(2.0, 256, 0.0);
  ASSERT_EQ(said_.size(), 2u);
  EXPECT_EQ(said_.back(), "the host's transport stopped: the jam keeps its own beat again");
}

}  // namespace
}  // namespace mlstm::rt
