// REAL-TIME CODE: apply(), render() and take_offer() run on the audio thread (no allocation, no
// lock, no wait there).
#include "synth/instrument_slot.hpp"

#include <algorithm>

namespace mlstm::rt {

InstrumentSlot::InstrumentSlot(std::unique_ptr<Instrument> first) : playing_(first.get()) {
  owned_.push_back(std::move(first));
  programs_.fill(-1);
  volumes_.fill(-1);
}

void InstrumentSlot::offer(std::unique_ptr<Instrument> next) {
  const std::lock_guard lock(owner_mutex_);
  Instrument* const raw = next.get();
  owned_.push_back(std::move(next));
  // An earlier offer the audio thread has not taken: it never will (it takes by exchange).
  if (Instrument* untaken = offered_.exchange(raw, std::memory_order_acq_rel)) {
    std::erase_if(owned_, [untaken](const auto& p) { return p.get() == untaken; });
  }
}

std::size_t InstrumentSlot::collect() {
  const std::lock_guard lock(owner_mutex_);
  if (Instrument* old = released_.exchange(nullptr, std::memory_order_acq_rel)) {
    std::erase_if(owned_, [old](const auto& p) { return p.get() == old; });
  }
  return owned_.size();
}

void InstrumentSlot::take_offer() noexcept {
  // The old instrument can be let go of only once collect() has taken the one let go of before.
  if (offered_.load(std::memory_order_acquire) == nullptr ||
      released_.load(std::memory_order_acquire) != nullptr) {
    return;
  }
  Instrument* const next = offered_.exchange(nullptr, std::memory_order_acq_rel);
  if (next == nullptr) return;
  released_.store(playing_, std::memory_order_release);
  playing_ = next;
  for (std::uint8_t channel = 0; channel < 16; ++channel) {
    if (programs_[channel] >= 0) {
      playing_->apply({kFrameNow, EventKind::kProgram, Voice::kPlayer, channel,
                       static_cast<std::uint8_t>(programs_[channel]), 0});
    }
    if (volumes_[channel] >= 0) {
      playing_->apply({kFrameNow, EventKind::kControl, Voice::kPlayer, channel, 7,
                       static_cast<std::uint8_t>(volumes_[channel])});
    }
  }
}

void InstrumentSlot::apply(const SynthEvent& event) noexcept {
  if (event.channel < 16) {
    if (event.kind == EventKind::kProgram) programs_[event.channel] = event.data1;
    if (event.kind == EventKind::kControl && event.data1 == 7) {
      volumes_[event.channel] = event.data2;
    }
  }
  playing_->apply(event);
}

void InstrumentSlot::render(float* left, float* right, int frames) noexcept {
  take_offer();
  playing_->render(left, right, frames);
}

}  // namespace mlstm::rt
