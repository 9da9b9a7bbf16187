// CallbackStats tells the audio system's xrun notifications from the cycles our output missed,
// and those from the ones our own callback caused.
#include <gtest/gtest.h>

#include "engine/callback_stats.hpp"

namespace mlstm::rt {
namespace {

constexpr std::int64_t kPeriodNs = 5'333'333;  // 256 frames at 48 kHz

TEST(CallbackStats, ACallbackWithinItsPeriodIsNoXrun) {
  CallbackStats s;
  for (int i = 0; i < 100; ++i) s.record(kPeriodNs / 10, kPeriodNs);
  s.record(kPeriodNs, kPeriodNs);  // exactly the period still makes it
  EXPECT_EQ(s.count(), 101u);
  EXPECT_EQ(s.xruns(), 0u);
  EXPECT_EQ(s.overruns(), 0u);
}

TEST(CallbackStats, AnOverrunIsAnXrunAndOurs) {
  CallbackStats s;
  s.record(kPeriodNs / 10, kPeriodNs);
  s.record(kPeriodNs + 1, kPeriodNs);
  s.record(3 * kPeriodNs, kPeriodNs);
  EXPECT_EQ(s.overruns(), 2u);
  EXPECT_EQ(s.xruns(), 2u);
  EXPECT_EQ(s.notifications(), 0u);
  EXPECT_DOUBLE_EQ(s.max_ms(), 3 * kPeriodNs / 1e6);
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
  s.record(kPeriodNs / 10, kPeriodNs);
  s.add_xrun();  // woke up late, or the driver did
  EXPECT_EQ(s.xruns(), 1u);
  EXPECT_EQ(s.overruns(), 0u);
}

}  // namespace
}  // namespace mlstm::rt
