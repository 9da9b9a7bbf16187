#pragma once
// REAL-TIME CODE: apply() and render() run on the audio thread.
//
// An instrument that is replaced while the audio runs: the instrument plugin's soundfont, which
// the host's project may change at any time. The new instrument is built off the audio thread
// (loading a soundfont takes a second) and offered; the old one keeps playing until the audio
// thread takes the new one up at its next render, and it is destroyed off the audio thread once
// the audio thread has let go of it: read-copy-update with one writer and no lock on the audio
// thread. Each channel's program and volume are played again into the new instrument, so the
// model's voice keeps its sound; notes sounding in the old one stop.
//
// Threads: [main-thread] construction, offer(), collect(), destruction (with the audio stopped);
// [audio-thread] apply(), render().

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "synth/instrument.hpp"

namespace mlstm::rt {

class InstrumentSlot final : public Instrument {
 public:
  explicit InstrumentSlot(std::unique_ptr<Instrument> first);

  // [main-thread] `next` plays from the audio thread's next render. An earlier offer not taken up
  // yet is dropped for it.
  void offer(std::unique_ptr<Instrument> next);
  // [main-thread] Destroys what the audio thread let go of. Returns how many instruments the slot
  // holds now (1 once a swap is complete).
  std::size_t collect();

  void apply(const SynthEvent& event) noexcept override;
  void render(float* left, float* right, int frames) noexcept override;

 private:
  void take_offer() noexcept;

  std::mutex owner_mutex_;  // offer() and collect() may be called from two non-audio threads
  std::vector<std::unique_ptr<Instrument>> owned_;
  std::atomic<Instrument*> offered_{nullptr};
  std::atomic<Instrument*> released_{nullptr};
  Instrument* playing_;  // the audio thread's
  // What each channel was set to (-1: never), to play into the next instrument.
  std::array<std::int16_t, 16> programs_, volumes_;
};

}  // namespace mlstm::rt
