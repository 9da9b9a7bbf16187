#pragma once
// A block's MIDI as hosts pass it in and out: messages at frames within the block, of fixed
// capacity (hosts cap a block's events too: DPF at 512). Plain data; push() allocates nothing.

#include <array>
#include <cstdint>
#include <span>

namespace mlstm::rt {

// One MIDI message at a frame within a block.
struct BlockMidiEvent {
  std::uint32_t frame = 0;  // from the block's first frame
  std::uint8_t size = 0;    // 1..3
  std::uint8_t bytes[3] = {0, 0, 0};
};

class MidiBlock {
 public:
  static constexpr std::size_t kCapacity = 512;
  void clear() noexcept { size_ = 0; }
  // False when the block is full (the caller counts it).
  bool push(const BlockMidiEvent& e) noexcept {
    if (size_ == kCapacity) return false;
    events_[size_++] = e;
    return true;
  }
  std::span<const BlockMidiEvent> events() const noexcept { return {events_.data(), size_}; }

 private:
  std::array<BlockMidiEvent, kCapacity> events_{};
  std::size_t size_ = 0;
};

}  // namespace mlstm::rt
