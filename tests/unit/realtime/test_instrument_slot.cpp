// The instrument slot (realtime/synth/instrument_slot.hpp): an instrument offered while the audio
// runs plays from the next render with each channel's program and volume, the old one is freed
// only once the audio thread let go of it, and an offer not taken yet gives way to a newer one.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "synth/instrument_slot.hpp"

namespace mlstm::rt {
namespace {

// Renders its number; counts its instances.
class NumberedInstrument final : public Instrument {
 public:
  NumberedInstrument(float number, int& alive) : number_(number), alive_(alive) { ++alive_; }
  ~NumberedInstrument() override { --alive_; }
  void apply(const SynthEvent& e) noexcept override { applied.push_back(e); }
  void render(float* left, float* right, int frames) noexcept override {
    std::fill_n(left, frames, number_);
    std::fill_n(right, frames, number_);
  }
  std::vector<SynthEvent> applied;

 private:
  float number_;
  int& alive_;
};

float rendered(InstrumentSlot& slot) {
  float left[4], right[4];
  slot.render(left, right, 4);
  return left[0];
}

TEST(InstrumentSlot, AnOfferedInstrumentPlaysFromTheNextRenderWithTheChannelsSettings) {
  int alive = 0;
  InstrumentSlot slot(std::make_unique<NumberedInstrument>(1.0f, alive));
  EXPECT_EQ(rendered(slot), 1.0f);
  slot.apply(program(Voice::kModel, 1, 40));
  slot.apply(control(kFrameNow, Voice::kModel, 1, 7, 90));
  slot.apply(note_on(kFrameNow, Voice::kModel, 1, 60, 100));

  auto next = std::make_unique<NumberedInstrument>(2.0f, alive);
  NumberedInstrument* second = next.get();
  slot.offer(std::move(next));
  EXPECT_EQ(alive, 2);
  EXPECT_EQ(rendered(slot), 2.0f);
  // The program and the volume came again; the note did not.
  ASSERT_EQ(second->applied.size(), 2u);
  EXPECT_EQ(second->applied[0].kind, EventKind::kProgram);
  EXPECT_EQ(second->applied[0].channel, 1);
  EXPECT_EQ(second->applied[0].data1, 40);
  EXPECT_EQ(second->applied[1].kind, EventKind::kControl);
  EXPECT_EQ(second->applied[1].data2, 90);
  // The old one is freed by collect(), off the audio thread.
  EXPECT_EQ(alive, 2);
  EXPECT_EQ(slot.collect(), 1u);
  EXPECT_EQ(alive, 1);
}

TEST(InstrumentSlot, AnOfferNotTakenGivesWayToANewerOne) {
  int alive = 0;
  InstrumentSlot slot(std::make_unique<NumberedInstrument>(1.0f, alive));
  slot.offer(std::make_unique<NumberedInstrument>(2.0f, alive));
  slot.offer(std::make_unique<NumberedInstrument>(3.0f, alive));
  EXPECT_EQ(alive, 2);  // the second was never played: freed at once
  EXPECT_EQ(rendered(slot), 3.0f);
  EXPECT_EQ(slot.collect(), 1u);
  EXPECT_EQ(alive, 1);
}

TEST(InstrumentSlot, ANewOfferWaitsUntilTheOldInstrumentIsCollected) {
  int alive = 0;
  InstrumentSlot slot(std::make_unique<NumberedInstrument>(1.0f, alive));
  slot.offer(std::make_unique<NumberedInstrument>(2.0f, alive));
  EXPECT_EQ(rendered(slot), 2.0f);
  slot.offer(std::make_unique<NumberedInstrument>(3.0f, alive));
  // The first is not collected yet: the audio thread cannot let go of a second.
  EXPECT_EQ(rendered(slot), 2.0f);
  EXPECT_EQ(slot.collect(), 2u);
  EXPECT_EQ(rendered(slot), 3.0f);
  EXPECT_EQ(slot.collect(), 1u);
  EXPECT_EQ(alive, 1);
}

}  // namespace
}  // namespace mlstm::rt
