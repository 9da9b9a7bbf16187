#include <gtest/gtest.h>

#include <vector>

#include "music/key_estimate.hpp"

namespace mlstm::music {
namespace {

// A scale played up and down, then its tonic triad held: the plainest statement of a key.
std::vector<Note> scale_and_triad(const Scale& scale) {
  std::vector<Note> notes;
  double t = 0;
  const std::uint16_t set = scale.pitch_classes();
  for (int p = 60 + scale.tonic; p < 72 + scale.tonic; ++p) {
    if ((set >> (p % 12)) & 1) {
      notes.push_back({p, 80, t, t + 0.25});
      t += 0.25;
    }
  }
  const int third = scale.kind == ScaleKind::kMajor ? 4 : 3;
  for (const int i : {0, third, 7}) notes.push_back({48 + scale.tonic + i, 80, t, t + 1.5});
  return notes;
}

TEST(KeyEstimate, FindsEachMajorAndMinorKeyFromItsScaleAndTriad) {
  for (int tonic = 0; tonic < 12; ++tonic) {
    for (const ScaleKind kind : {ScaleKind::kMajor, ScaleKind::kMinor}) {
      const Scale key{tonic, kind};
      const KeyEstimate e = estimate_key(pitch_class_weights(scale_and_triad(key)));
      EXPECT_TRUE(e.found);
      EXPECT_EQ(e.key, key) << key.name() << " read as " << e.key.name();
      EXPECT_GT(e.correlation, e.runner_up);
    }
  }
}

TEST(KeyEstimate, LongNotesCountMoreThanPassingOnes) {
  // G major's tonic and dominant held, with a C# passing quickly: still G major, not D major.
  std::vector<Note> notes = {{55, 80, 0, 2}, {59, 80, 0, 2},    {62, 80, 0, 2},
                             {67, 80, 2, 3}, {61, 80, 3, 3.05}, {62, 80, 3.05, 4}};
  EXPECT_EQ(estimate_key(pitch_class_weights(notes)).key, (Scale{7, ScaleKind::kMajor}));
}

TEST(KeyEstimate, NothingToGoOnFindsNoKey) {
  EXPECT_FALSE(estimate_key(PitchClassWeights{}).found);
  PitchClassWeights chromatic;
  chromatic.fill(1.0);
  EXPECT_FALSE(estimate_key(chromatic).found);
}

TEST(KeyEstimate, AHeldNoteIsCapped) {
  const std::vector<Note> notes = {{60, 80, 0, 30}};
  EXPECT_DOUBLE_EQ(pitch_class_weights(notes)[0], kMaxNoteWeight);
}

TEST(KeyEstimate, MinorKeysLockToTheNaturalMinorAndItsLeadingTone) {
  EXPECT_EQ(lock_scale({9, ScaleKind::kMinor}).kind, ScaleKind::kMinorKey);
  EXPECT_EQ(lock_scale({0, ScaleKind::kMajor}), (Scale{0, ScaleKind::kMajor}));
}

}  // namespace
}  // namespace mlstm::music
