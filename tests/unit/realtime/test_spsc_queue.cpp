// The queues between threads: nothing lost, nothing reordered, a full queue refuses.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "queue/spsc_queue.hpp"

namespace mlstm::rt {
namespace {

TEST(SpscQueue, MillionsOfItemsBetweenTwoThreadsArriveAllAndInOrder) {
  constexpr std::uint64_t kItems = 10'000'000;
  static SpscQueue<std::uint64_t, 1024> queue;  // small, so both ends meet full and empty often
  std::thread producer([] {
    for (std::uint64_t i = 0; i < kItems;) {
      if (queue.try_push(i)) ++i;
    }
  });
  std::uint64_t expected = 0, out_of_order = 0, item = 0;
  while (expected < kItems) {
    if (queue.try_pop(item)) {
      if (item != expected) ++out_of_order;
      expected = item + 1;
    }
  }
  producer.join();
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(expected, kItems);
  EXPECT_FALSE(queue.try_pop(item));
}

TEST(SpscQueue, AFullQueueRefusesInsteadOfWaiting) {
  SpscQueue<int, 8> queue;
  int pushed = 0;
  while (queue.try_push(pushed)) ++pushed;
  using Queue = SpscQueue<int, 8>;
  EXPECT_EQ(static_cast<std::size_t>(pushed), Queue::kCapacity);
  int first = -1;
  ASSERT_TRUE(queue.try_pop(first));
  EXPECT_EQ(first, 0);
  EXPECT_TRUE(queue.try_push(99));
}

TEST(SpscQueue, BulkPushTakesWhatFits) {
  SpscQueue<float, 16> queue;
  float in[20] = {};
  EXPECT_EQ(queue.push_some(in, 20), 16u);
  float out[20];
  EXPECT_EQ(queue.pop_some(out, 20), 16u);
}

}  // namespace
}  // namespace mlstm::rt
