#pragma once
// REAL-TIME CODE: runs on the audio thread. No allocation, no lock, no system call.
//
// The store of events due in later blocks: a binary min-heap of fixed capacity, ordered by frame
// and, at one frame, by arrival, so a note-off sent before a re-struck note-on stays before it.
// A channel silence goes first at its frame: an answer told to stop where the player comes in
// must not strike a note at that very frame.

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "events/synth_event.hpp"

namespace mlstm::rt {

template <std::size_t Capacity>
class EventScheduler {
 public:
  // False when full: the caller counts the event as dropped.
  bool insert(const SynthEvent& event) noexcept {
    if (size_ == Capacity) return false;
    std::size_t i = size_++;
    heap_[i] = {event, next_sequence_++};
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!earlier(heap_[i], heap_[parent])) break;
      std::swap(heap_[i], heap_[parent]);
      i = parent;
    }
    return true;
  }

  // The earliest event if it is due before `end_frame` (exclusive): removes it into `out`.
  bool pop_due(std::int64_t end_frame, SynthEvent& out) noexcept {
    if (size_ == 0 || heap_[0].event.frame >= end_frame) return false;
    out = heap_[0].event;
    heap_[0] = heap_[--size_];
    sift_down(0);
    return true;
  }

  // The frame of the earliest pending event; false when none is pending.
  bool next_frame(std::int64_t& frame) const noexcept {
    if (size_ == 0) return false;
    frame = heap_[0].event.frame;
    return true;
  }

  // Drops every pending event (panic).
  void clear() noexcept { size_ = 0; }
  // Drops the pending events of one channel (an answer that yields), keeping the others' order.
  void clear_channel(int channel) noexcept {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (heap_[i].event.channel != channel) heap_[kept++] = heap_[i];
    }
    size_ = kept;
    for (std::size_t i = size_ / 2; i-- > 0;) sift_down(i);
  }

  std::size_t size() const noexcept { return size_; }
  static constexpr std::size_t capacity() noexcept { return Capacity; }

 private:
  struct Entry {
    SynthEvent event;
    std::uint64_t sequence;
  };
  static bool earlier(const Entry& a, const Entry& b) noexcept {
    if (a.event.frame != b.event.frame) return a.event.frame < b.event.frame;
    const bool a_silence = a.event.kind == EventKind::kChannelSilence;
    const bool b_silence = b.event.kind == EventKind::kChannelSilence;
    if (a_silence != b_silence) return a_silence;
    return a.sequence < b.sequence;
  }
  void sift_down(std::size_t i) noexcept {
    for (;;) {
      const std::size_t left = 2 * i + 1, right = left + 1;
      std::size_t smallest = i;
      if (left < size_ && earlier(heap_[left], heap_[smallest])) smallest = left;
      if (right < size_ && earlier(heap_[right], heap_[smallest])) smallest = right;
      if (smallest == i) return;
      std::swap(heap_[i], heap_[smallest]);
      i = smallest;
    }
  }

  std::array<Entry, Capacity> heap_{};
  std::size_t size_ = 0;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace mlstm::rt
