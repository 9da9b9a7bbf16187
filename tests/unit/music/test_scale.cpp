#include <gtest/gtest.h>

#include "music/scale.hpp"

namespace mlstm::music {
namespace {

TEST(Scale, CMajorIsTheWhiteKeys) {
  EXPECT_EQ(Scale({0, ScaleKind::kMajor}).pitch_classes(), 0b1010'1011'0101);
}

TEST(Scale, AMinorHasTheSameNotesAsCMajor) {
  EXPECT_EQ(Scale({9, ScaleKind::kMinor}).pitch_classes(),
            Scale({0, ScaleKind::kMajor}).pitch_classes());
}

TEST(Scale, MinorKeyAddsTheLeadingTone) {
  const std::uint16_t natural = Scale{9, ScaleKind::kMinor}.pitch_classes();
  const std::uint16_t key = Scale{9, ScaleKind::kMinorKey}.pitch_classes();
  EXPECT_EQ(key, natural | (1u << 8));  // G# in A minor
}

TEST(Scale, ParsesTheWaysMusiciansWriteThem) {
  EXPECT_EQ(parse_scale("D minor"), (Scale{2, ScaleKind::kMinor}));
  EXPECT_EQ(parse_scale("f# major"), (Scale{6, ScaleKind::kMajor}));
  EXPECT_EQ(parse_scale("Bb-dorian"), (Scale{10, ScaleKind::kDorian}));
  EXPECT_EQ(parse_scale("E-flat major"), (Scale{3, ScaleKind::kMajor}));
  EXPECT_EQ(parse_scale("A minor pentatonic"), (Scale{9, ScaleKind::kMinorPentatonic}));
  EXPECT_EQ(parse_scale("Cb major"), (Scale{11, ScaleKind::kMajor}));
}

TEST(Scale, RejectsWhatIsNotAScale) {
  EXPECT_FALSE(parse_scale(""));
  EXPECT_FALSE(parse_scale("H major"));
  EXPECT_FALSE(parse_scale("C"));
  EXPECT_FALSE(parse_scale("C lydian-augmented"));
  EXPECT_FALSE(parse_scale("C## major"));
}

TEST(Scale, NameRoundTrips) {
  for (int tonic = 0; tonic < 12; ++tonic) {
    for (const ScaleKind kind : {ScaleKind::kMajor, ScaleKind::kMinor, ScaleKind::kBlues}) {
      const Scale s{tonic, kind};
      EXPECT_EQ(parse_scale(s.name()), s) << s.name();
    }
  }
}

}  // namespace
}  // namespace mlstm::music
