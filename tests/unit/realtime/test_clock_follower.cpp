// MIDI clock in: the tempo and beat a sender's 24 pulses a quarter give, through jitter, tempo
// changes, stop and continue, and a sender that goes away.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "midi/clock_follower.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000;

class ClockFollowerTest : public ::testing::Test {
 protected:
  // Pulses at `bpm` from `t` s for `beats` beats; returns the time of the next pulse. `jitter_ms`:
  // each pulse arrives up to that much late or early (a USB interface).
  double pulses(double bpm, double t, double beats, double jitter_ms = 0) {
    const double pulse = 60.0 / bpm / kClockPulses;
    const int n = static_cast<int>(std::lround(beats * kClockPulses));
    std::uniform_real_distribution<double> noise(-jitter_ms / 1000, jitter_ms / 1000);
    for (int i = 0; i < n; ++i, t += pulse) {
      const double at = t + (jitter_ms > 0 ? noise(random_) : 0.0);
      clock_.on_message(0xF8, std::llround(at * kRate));
      now_ = std::llround(t * kRate);
    }
    return t;
  }
  std::optional<ClockBeat> beat() const { return clock_.beat(now_, 4); }

  ClockFollower clock_{kRate};
  std::int64_t now_ = 0;
  std::mt19937 random_{7};
};

TEST_F(ClockFollowerTest, ASteadyClockGivesItsTempoAndBeatsFromStart) {
  clock_.on_message(0xFA, 0);
  const double first = 0.001;
  pulses(120, first, 2.5);  // 60 pulses: the last is the middle of beat 3
  const auto b = beat();
  ASSERT_TRUE(b);
  EXPECT_NEAR(b->bpm, 120.0, 0.01);
  EXPECT_NEAR(b->period, 24000.0, 1.0);
  // The next beat is beat 3 (counted from 0), the next bar line beat 4.
  EXPECT_EQ(b->beats, 3);
  EXPECT_NEAR(b->beat / kRate, first + 3 * 0.5, 0.0001);
  EXPECT_NEAR(b->bar / kRate, first + 4 * 0.5, 0.0001);
}

TEST_F(ClockFollowerTest, JitterOfAMillisecondAveragesOut) {
  clock_.on_message(0xFA, 0);
  pulses(97, 0.01, 8, 1.0);
  const auto b = beat();
  ASSERT_TRUE(b);
  EXPECT_NEAR(b->bpm, 97.0, 97 * 0.01);
  const double beat_s = 60.0 / 97;
  const double k = std::round((b->beat / kRate - 0.01) / beat_s);
  EXPECT_NEAR(b->beat / kRate, 0.01 + k * beat_s, 0.002);
}

TEST_F(ClockFollowerTest, ATempoChangeIsHeardWithinAFewPulses) {
  clock_.on_message(0xFA, 0);
  double t = pulses(100, 0.0, 8);
  ASSERT_NEAR(beat()->bpm, 100.0, 0.01);
  // Four pulses at the new tempo: a sixth of a beat.
  t = pulses(140, t, 4.0 / kClockPulses);
  ASSERT_TRUE(beat());
  EXPECT_NEAR(beat()->bpm, 140.0, 1.4);
  pulses(140, t, 2);
  EXPECT_NEAR(beat()->bpm, 140.0, 0.01);
  // Counting goes on across the change: 8 beats and 2 and 4 pulses, the next beat is the 11th.
  EXPECT_EQ(beat()->beats, 11);
}

TEST_F(ClockFollowerTest, StopSilencesTheBeatAndContinueCountsOn) {
  clock_.on_message(0xFA, 0);
  double t = pulses(120, 0.0, 2);
  clock_.on_message(0xFC, std::llround(t * kRate));
  EXPECT_FALSE(beat());
  t = pulses(120, t, 1);  // some senders pulse on while stopped: the tempo, not the count
  EXPECT_FALSE(beat());
  clock_.on_message(0xFB, std::llround(t * kRate));
  pulses(120, t, 1);
  ASSERT_TRUE(beat());
  EXPECT_EQ(beat()->beats, 3);  // beats 0 and 1 before the stop, 2 after continue: the next is 3
  clock_.on_message(0xFA, now_);
  pulses(120, static_cast<double>(now_) / kRate + 0.5 / kClockPulses, 1.5);
  EXPECT_EQ(beat()->beats, 2);  // start: counted from 0 again
}

TEST_F(ClockFollowerTest, ASenderThatNeverSendsStartIsCountedFromItsFirstPulse) {
  pulses(90, 1.0, 3);
  ASSERT_TRUE(beat());
  EXPECT_NEAR(beat()->beat / kRate, 1.0 + 3 * 60.0 / 90, 0.0001);
}

TEST_F(ClockFollowerTest, ASenderThatGoesAwayLeavesNoBeat) {
  clock_.on_message(0xFA, 0);
  pulses(120, 0.0, 4);
  EXPECT_TRUE(clock_.beat(now_ + kRate / 4, 4));
  EXPECT_FALSE(clock_.beat(now_ + kRate, 4));
  EXPECT_FALSE(clock_.present(now_ + kRate));
}

TEST_F(ClockFollowerTest, OtherMessagesAndTooFewPulsesGiveNoBeat) {
  clock_.on_message(0xFE, 0);  // active sensing
  clock_.on_message(0xFA, 0);
  EXPECT_FALSE(beat());
  pulses(120, 0.0, 2.0 / kClockPulses);
  EXPECT_FALSE(beat());
}

}  // namespace
}  // namespace mlstm::rt
