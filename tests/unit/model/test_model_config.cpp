// Configurations: the shipped presets parse; a bad key or type is an error naming the key.
#include <gtest/gtest.h>

#include "model/feature_codec.hpp"
#include "model/model_config.hpp"

#ifndef MUSIC_LSTM_SOURCE_DIR
#error "MUSIC_LSTM_SOURCE_DIR must point at the source tree"
#endif

namespace mlstm {
namespace {

const std::filesystem::path kPresets =
    std::filesystem::path(MUSIC_LSTM_SOURCE_DIR) / "presets/training";

std::string error_of(const std::string& json_text) {
  try {
    run_config_from_json(nlohmann::json::parse(json_text));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ModelConfig, ShippedPresetsParse) {
  for (const char* name : {"seed", "default", "tiny", "next_note"}) {
    const RunConfig c = load_run_config(kPresets / (std::string(name) + ".json"));
    EXPECT_EQ(c.name, name);
  }
}

TEST(ModelConfig, SeedIsTheOriginalArchitecture) {
  const RunConfig c = load_run_config(kPresets / "seed.json");
  EXPECT_EQ(c.model.kind, ModelKind::kSeq2Seq);
  EXPECT_EQ(c.model.embedding, 32);
  EXPECT_EQ(c.model.encoder_hidden, 1024);
  EXPECT_EQ(c.model.decoder_hidden, 1024);
  EXPECT_TRUE(c.model.bidirectional);
  EXPECT_EQ(c.model.time_head, HeadKind::kRegression);
  EXPECT_FALSE(c.model.velocity);
  EXPECT_EQ(c.loss.pitch, 1.0);
  EXPECT_EQ(c.loss.step, 1.0);
  EXPECT_EQ(c.loss.duration, 1.0);
  EXPECT_EQ(c.loss.positive_pressure, 0.0);
}

TEST(ModelConfig, RoundTripsThroughJson) {
  RunConfig c = load_run_config(kPresets / "default.json");
  EXPECT_EQ(run_config_from_json(to_json(c)), c);
}

TEST(ModelConfig, UnknownKeyIsNamed) {
  EXPECT_EQ(error_of(R"({"model": {"hiden": 3}})"), "model.hiden: unknown key");
  EXPECT_EQ(error_of(R"({"modle": {}})"), "modle: unknown key");
}

TEST(ModelConfig, WrongTypeIsNamed) {
  EXPECT_EQ(error_of(R"({"model": {"encoder_hidden": "big"}})"),
            "model.encoder_hidden: expected an integer, got a string");
  EXPECT_EQ(error_of(R"({"training": {"learning_rate": true}})"),
            "training.learning_rate: expected a number, got a boolean");
  EXPECT_EQ(error_of(R"({"model": []})"), "model.: expected an object, got an array");
}

TEST(ModelConfig, OutOfRangeAndUnknownChoice) {
  EXPECT_EQ(error_of(R"({"model": {"dropout": 2}})"), "model.dropout: must be between 0 and 0.9");
  EXPECT_EQ(error_of(R"({"model": {"kind": "transformer"}})"),
            "model.kind: 'transformer' is not one of next_note, seq2seq");
}

TEST(ModelConfig, AttentionIsOffByDefaultAndOnlyForSeq2Seq) {
  EXPECT_FALSE(load_run_config(kPresets / "default.json").model.attention);
  const RunConfig a =
      run_config_from_json(nlohmann::json::parse(R"({"model": {"attention": true}})"));
  EXPECT_TRUE(a.model.attention);
  EXPECT_EQ(run_config_from_json(to_json(a)), a);
  EXPECT_EQ(error_of(R"({"model": {"kind": "next_note", "attention": true}})"),
            "model.attention: a next_note model has no encoder to attend to");
}

TEST(ModelConfig, ACooldownLongerThanTheRunOrWithACosineIsNamed) {
  EXPECT_EQ(error_of(R"({"training": {"epochs": 4, "cooldown_epochs": 5}})"),
            "training.cooldown_epochs: must be at most training.epochs");
  EXPECT_EQ(error_of(R"({"training": {"lr_schedule": "cosine", "cooldown_epochs": 1}})"),
            "training.cooldown_epochs: a cosine schedule decays already; use lr_schedule plateau "
            "or none with a cooldown");
  EXPECT_EQ(error_of(R"({"training": {"epochs": 4, "cooldown_epochs": 4}})"), "(no error)");
}

TEST(ModelConfig, MissingFileAndBadJsonNameTheFile) {
  EXPECT_THROW(load_run_config("/nonexistent.json"), ConfigError);
}

TEST(TimeBins, ZeroIsClassZeroAndClassesDecodeInsideTheirBin) {
  const TimeBins bins(64, 0.005, 8.0);
  EXPECT_EQ(bins.to_class(0.0), 0);
  EXPECT_EQ(bins.to_class(0.004), 0);
  EXPECT_EQ(bins.to_class(0.005), 1);
  EXPECT_EQ(bins.to_class(100.0), 63);
  for (int c = 1; c < 64; ++c) EXPECT_EQ(bins.to_class(bins.to_seconds(c)), c) << c;
  EXPECT_EQ(bins.to_seconds(0), 0.0);
}

TEST(VelocityBins, EveryVelocityMapsToTheClassItDecodesBackTo) {
  const VelocityBins bins(32);
  for (int v = 1; v <= 127; ++v) {
    const int c = bins.to_class(v);
    ASSERT_GE(c, 0);
    ASSERT_LT(c, 32);
    EXPECT_EQ(bins.to_class(bins.to_velocity(c)), c) << v;
  }
}

}  // namespace
}  // namespace mlstm
