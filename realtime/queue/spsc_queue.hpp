#pragma once
// The queues between threads: single producer, single consumer, fixed capacity, lock-free.
//
// boost::lockfree::spsc_queue with a compile-time capacity keeps its ring inside the object, so
// neither push nor pop ever allocates (the audio thread may use either end). A full queue refuses
// the item (push returns false) and the producer counts the loss: nothing waits, ever.

#include <boost/lockfree/spsc_queue.hpp>
#include <cstddef>

namespace mlstm::rt {

template <class T, std::size_t Capacity>
class SpscQueue {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0,
                "a power-of-two capacity keeps the index arithmetic a mask");

 public:
  // Items it holds (Boost keeps its own spare slot to tell full from empty).
  static constexpr std::size_t kCapacity = Capacity;

  bool try_push(const T& item) noexcept { return ring_.push(item); }
  bool try_pop(T& item) noexcept { return ring_.pop(item); }
  // Bulk forms (audio samples): as many as fit / as are there, returns the count moved.
  std::size_t push_some(const T* items, std::size_t count) noexcept {
    return ring_.push(items, count);
  }
  std::size_t pop_some(T* items, std::size_t count) noexcept { return ring_.pop(items, count); }
  // How many items can be popped now (consumer side) / pushed now (producer side).
  std::size_t readable() const noexcept { return ring_.read_available(); }
  std::size_t writable() const noexcept { return ring_.write_available(); }

 private:
  boost::lockfree::spsc_queue<T, boost::lockfree::capacity<Capacity>> ring_;
};

}  // namespace mlstm::rt
