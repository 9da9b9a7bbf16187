// CallbackStats tells the audio system's xrun notifications from the cycles our output missed,
// and those from the ones our own callback caused.
#include <gtest/gtest.h>

#include "engine/callback_stats.hpp"

namespace mlstm::rt {
namespace {

constexpr std::int64_t kPeriodNs = 5'333'333;  // 256 frames at 48 kHz

TEST(CallbackStats, ACallbackWithinItsPeriodIsNoXrun) {
  CallbackStats s;
  for (int i = 0; i < 100; ++i) s.record(kPeriodNs / 10, kPeriodNs / 10, kPeriodNs);
  s.record(kPeriodNs, kPeriodNs, kPeriodNs);  // exactly the period still makes it
  EXPECT_EQ(s.count(), 101u);
  EXPECT_EQ(s.xruns(), 0u);
  EXPECT_EQ(s.overruns(), 0u);
}

TEST(CallbackStats, AnOverrunIsAnXrunAndOurs) {
  CallbackStats s;
  s.record(kPeriodNs / 10, kPeriodNs / 10, kPeriodNs);
  s.record(kPeriodNs + 1, kPeriodNs + 1, kPeriodNs);
  s.record(3 * kPeriodNs, 3 * kPeriodNs, kPeriodNs);
  EXPECT_EQ(s.overruns(), 2u);
  EXPECT_EQ(s.xruns(), 2u);
  EXPECT_EQ(s.notifications(), 0u);
  EXPECT_DOUBLE_EQ(s.max_ms(), 3 * kPeriodNs / 1e6);
}

TEST(CallbackStats, APreemptedCallbackIsNoOverrun) {
  // 30 ms on the wall clock, 0.5 ms of its own work: the scheduler took the rest.
  CallbackStats s;
  s.record(30'000'000, 500'000, kPeriodNs);
  EXPECT_EQ(s.overruns(), 0u);
  EXPECT_EQ(s.xruns(), 0u);  // whether the cycle was missed is the output's to tell (add_xrun)
  EXPECT_DOUBLE_EQ(s.max_ms(), 30.0);
  EXPECT_DOUBLE_EQ(s.max_cpu_ms(), 0.5);
}

TEST(CallbackStats, ANotificationAloneIsNoXrun) {
  CallbackStats s;
  s.add_notification();
  s.add_notification();
  EXPECT_EQ(s.notifications(), 2u);
  EXPECT_EQ(s.xruns(), 0u);
  EXPECT_EQ(s.overruns(), 0u);
}

TEST(CallbackStats, AMissedCycleNotOfOurMakingIsAnXrunButNotAnOverrun) {
  CallbackStats s;
  s.record(kPeriodNs / 10, kPeriodNs / 10, kPeriodNs);
  s.add_xrun();  // woke up late, or the driver did
  EXPECT_EQ(s.xruns(), 1u);
  EXPECT_EQ(s.overruns(), 0u);
}

}  // namespace
}  // namespace mlstm::rt
