// The panel's model swap: a model that reads no more notes than the jam's context holds replaces
// the one playing; one that reads more, or a file that does not load, leaves it playing and says
// why.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "jam/model_swap.hpp"

namespace mlstm::app {
namespace {

// Reads 10 notes, answers 50.
const std::string kTiny =
    std::string(MUSIC_LSTM_SOURCE_DIR) + "/tests/data/tiny-libtorch-2.11-cuda.ckpt";

// The model playing before the swap answers one note, so an answer says which model gave it.
rt::Continuer one_note() {
  return [](std::span<const NoteFeatures>, const SearchSettings&) {
    return std::vector<NoteFeatures>{{60, 0.1, 0.1, 64}};
  };
}

std::string status_after_loading(ModelSwap& swap, const std::string& path) {
  swap.load(path);
  while (swap.loading()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return swap.status();
}

std::size_t answer_notes(rt::InferenceWorker& worker, std::size_t context_notes) {
  static std::uint64_t id = 0;
  ++id;
  worker.submit({id, std::vector<NoteFeatures>(context_notes, {62, 0.2, 0.2, 70}), {}});
  const std::optional<rt::Answer> answer = worker.take(id);
  return answer ? answer->notes.size() : 0;
}

TEST(ModelSwap, AModelThatReadsFewerNotesThanTheJamKeepsPlays) {
  rt::InferenceWorker worker(one_note(), false);
  ModelSwap swap(worker, ComputeDevice::kCpu, DecoderPath::kAuto, 32, "the one before");
  const std::string status = status_after_loading(swap, kTiny);
  EXPECT_EQ(status.rfind("model: ", 0), 0u) << status;
  EXPECT_FALSE(swap.failed());
  EXPECT_EQ(answer_notes(worker, 32), 50u);
}

TEST(ModelSwap, AModelThatReadsMoreNotesThanTheJamKeepsIsRefused) {
  rt::InferenceWorker worker(one_note(), false);
  ModelSwap swap(worker, ComputeDevice::kCpu, DecoderPath::kAuto, 5, "the one before");
  const std::string status = status_after_loading(swap, kTiny);
  EXPECT_NE(status.find("reads 10 notes; this jam's context holds only 5"), std::string::npos)
      << status;
  EXPECT_NE(status.find("the old model plays on"), std::string::npos) << status;
  EXPECT_TRUE(swap.failed());
  EXPECT_EQ(answer_notes(worker, 5), 1u);
}

TEST(ModelSwap, AFileThatDoesNotLoadLeavesTheOldModelPlaying) {
  rt::InferenceWorker worker(one_note(), false);
  ModelSwap swap(worker, ComputeDevice::kCpu, DecoderPath::kAuto, 32, "the one before");
  const std::string status = status_after_loading(swap, kTiny + ".missing");
  EXPECT_EQ(status.rfind("could not load it: ", 0), 0u) << status;
  EXPECT_TRUE(swap.failed());
  EXPECT_EQ(answer_notes(worker, 32), 1u);
  // A good file after a bad one: the failure is forgotten.
  EXPECT_EQ(status_after_loading(swap, kTiny).rfind("model: ", 0), 0u);
  EXPECT_FALSE(swap.failed());
}

}  // namespace
}  // namespace mlstm::app
