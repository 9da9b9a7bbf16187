// The jam's smaller parts: the note context, the knobs, the inference worker.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "perform/inference_worker.hpp"
#include "perform/jam_preset.hpp"
#include "perform/jam_settings.hpp"
#include "perform/note_context.hpp"
#include "support/temp_dir.hpp"

namespace mlstm::rt {
namespace {

TEST(NoteContext, HeldNotesCountWithTheirDurationSoFar) {
  NoteContext c(1000, 10);
  c.note_on(60, 90, 0);
  c.note_on(64, 80, 500);
  c.note_off(60, 700);
  const auto f = c.features(2000);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].pitch, 60);
  EXPECT_DOUBLE_EQ(f[0].duration, 0.7);
  EXPECT_DOUBLE_EQ(f[1].step, 0.5);
  EXPECT_DOUBLE_EQ(f[1].duration, 1.5);  // still held at 2 s
  EXPECT_EQ(f[1].velocity, 80);
  EXPECT_EQ(c.held(), 1);
  EXPECT_EQ(c.last_activity(), 700);
}

TEST(NoteContext, KeepsTheLastNotesWithTheFirstStepKnown) {
  NoteContext c(1000, 10);
  for (int i = 0; i < 30; ++i) {
    c.note_on(40 + i, 64, i * 100);
    c.note_off(40 + i, i * 100 + 50);
  }
  const auto f = c.features(5000);
  ASSERT_EQ(f.size(), 10u);
  EXPECT_EQ(f.front().pitch, 60);
  EXPECT_DOUBLE_EQ(f.front().step, 0.1);  // from the note before it, which is kept for that
  EXPECT_EQ(f.back().pitch, 69);
}

TEST(NoteContext, UnderThePedalAReleasedNoteSoundsUntilThePedalComesUp) {
  NoteContext c(1000, 10);
  c.note_on(60, 90, 0);
  c.note_off(60, 100);  // before the pedal: ends at its key
  c.pedal(true, 150);
  c.note_on(64, 80, 200);
  c.note_off(64, 300);                                 // under the pedal: sounds on
  EXPECT_EQ(c.held(), 0);                              // no key is down: the jam may answer
  EXPECT_DOUBLE_EQ(c.features(900)[1].duration, 0.7);  // sounding at 0.9 s
  c.pedal(false, 1000);
  c.note_on(67, 70, 1200);
  c.note_off(67, 1300);  // after the pedal: ends at its key
  const auto f = c.features(5000);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_DOUBLE_EQ(f[0].duration, 0.1);
  EXPECT_DOUBLE_EQ(f[1].duration, 0.8);  // 0.2 s to the pedal's release at 1 s
  EXPECT_DOUBLE_EQ(f[2].duration, 0.1);
  EXPECT_EQ(c.last_activity(), 1300);  // the phrase is timed by the keys, not the pedal
}

TEST(NoteContext, UnderThePedalAKeyStruckAgainEndsTheNoteItHeld) {
  NoteContext c(1000, 10);
  c.pedal(true, 0);
  c.note_on(60, 90, 100);
  c.note_off(60, 200);
  c.note_on(60, 90, 500);  // the same string struck again
  c.note_off(60, 600);     // this release is the new note's
  c.pedal(false, 2000);
  const auto f = c.features(3000);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_DOUBLE_EQ(f[0].duration, 0.4);
  EXPECT_DOUBLE_EQ(f[1].duration, 1.5);
  EXPECT_EQ(c.held(), 0);
}

TEST(NoteContext, AKeyHeldThroughThePedalsReleaseStillEndsAtItsNoteOff) {
  NoteContext c(1000, 10);
  c.pedal(true, 0);
  c.note_on(60, 90, 100);
  c.pedal(false, 300);  // the key is still down: the pedal held nothing
  c.note_off(60, 800);
  EXPECT_DOUBLE_EQ(c.features(2000)[0].duration, 0.7);
}

TEST(NoteContext, AnUnmatchedNoteOffIsIgnored) {
  NoteContext c(1000, 10);
  c.note_off(60, 10);
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.held(), 0);
}

TEST(NoteContext, AKeyHeldForeverDoesNotGrowTheContext) {
  NoteContext c(1000, 10);
  c.note_on(30, 64, 0);
  for (int i = 1; i < 1000; ++i) {
    c.note_on(60, 64, i * 10);
    c.note_off(60, i * 10 + 5);
  }
  EXPECT_LE(c.size(), 56u);
}

TEST(JamSettings, KnobsTakeTextAndSayTheRange) {
  JamSettings s;
  EXPECT_EQ(set_knob(s, "width", "4"), "");
  EXPECT_EQ(s.search.width, 4);
  EXPECT_EQ(set_knob(s, "width", "33"), "width '33': must be a whole number from 1 to 32");
  EXPECT_EQ(s.search.width, 4);
  EXPECT_NE(set_knob(s, "temperature", "abc").find("from 0.01 to 4"), std::string::npos);
  EXPECT_EQ(set_knob(s, "mode", "continuous"), "");
  EXPECT_EQ(s.mode, JamMode::kContinuous);
  EXPECT_EQ(set_knob(s, "sampling", "greedy"), "");
  EXPECT_EQ(s.search.width, 1);
  const std::string unknown = set_knob(s, "widht", "3");
  EXPECT_NE(unknown.find("unknown setting 'widht'"), std::string::npos);
  EXPECT_NE(unknown.find("temperature"), std::string::npos);
  for (const std::string& name : knob_names()) {
    JamSettings t;
    EXPECT_EQ(set_knob(t, name, knob_value(s, name)), "") << name;
  }
}

TEST(JamKnobs, StoreAndLoadRoundTripAndBumpTheVersion) {
  JamSettings s;
  s.mode = JamMode::kListenOnly;
  s.search.width = 3;
  s.search.temperature = 0.7;
  s.yield = YieldMode::kFade;
  s.speculate = false;
  JamKnobs knobs;
  const auto before = knobs.version();
  knobs.store(s);
  EXPECT_EQ(knobs.load(), s);
  EXPECT_GT(knobs.version(), before);
  EXPECT_NE(knobs.set("gap", "-1"), "");
  EXPECT_EQ(knobs.load(), s);
}

TEST(JamSettings, TheScaleLockIsOffTheKeyOrAScale) {
  JamSettings s;
  EXPECT_EQ(knob_value(s, "scale"), "off");
  EXPECT_EQ(set_knob(s, "scale", "D minor"), "");
  EXPECT_EQ(s.scale_lock, ScaleLock::kScale);
  EXPECT_EQ(s.scale, (music::Scale{2, music::ScaleKind::kMinor}));
  EXPECT_EQ(knob_value(s, "scale"), "D minor");
  EXPECT_EQ(set_knob(s, "scale", "key"), "");
  EXPECT_EQ(s.scale_lock, ScaleLock::kKey);
  const std::string error = set_knob(s, "scale", "H major");
  EXPECT_NE(error.find("must be off, key"), std::string::npos) << error;
  EXPECT_NE(error.find("minor-pentatonic"), std::string::npos) << error;
  EXPECT_EQ(s.scale_lock, ScaleLock::kKey);  // unchanged by the bad value
}

TEST(JamPreset, SavedSettingsLoadBackTheSame) {
  test::TempDir dir;
  JamSettings s;
  s.mode = JamMode::kContinuous;
  s.search.sampling = Sampling::kStochasticBeam;
  s.search.width = 12;
  s.search.temperature = 0.65;
  s.gap_seconds = 0.8;
  s.search.length = 30;
  s.search.time_scale = 1.25;
  s.velocity_scale = 0.9;
  s.model_program = 48;
  s.yield = YieldMode::kFade;
  s.fade_seconds = 0.45;
  s.speculate = false;
  s.search.seed = 1234567;
  s.scale_lock = ScaleLock::kScale;
  s.scale = {10, music::ScaleKind::kDorian};
  s.entry = Entry::kBar;
  s.answer_tempo = AnswerTempo::kPlayer;
  s.beats_per_bar = 3;
  // By controller, then the keys.
  s.bindings = {{1, "temperature"}, {20, "mode"}, {64, "answer-now"}, {21, "stop-answer", true}};
  save_preset(dir / "p.json", "mine", s);
  JamSettings loaded;
  load_preset(dir / "p.json", loaded);
  EXPECT_EQ(loaded, s);
}

TEST(JamPreset, ABadBindingNamesTheController) {
  test::TempDir dir;
  const auto write = [&](const std::string& text) {
    std::ofstream(dir / "b.json") << text;
    JamSettings s;
    try {
      load_preset(dir / "b.json", s);
    } catch (const PresetError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(write(R"({"midi": {"1": "seed"}})").find("controller 1: a controller cannot control"),
            std::string::npos);
  EXPECT_NE(write(R"({"midi": {"300": "width"}})").find("'300' is not a controller number"),
            std::string::npos);
  EXPECT_NE(write(R"({"midi": ["width"]})").find("must map controller numbers"), std::string::npos);
  EXPECT_NE(write(R"({"midi": {"key 200": "width"}})").find("'key 200' is not a controller"),
            std::string::npos);
  EXPECT_EQ(write(R"({"midi": {"7": "width"}})"), "");
  EXPECT_EQ(write(R"({"midi": {"key 108": "next-mode"}})"), "");
}

TEST(JamSettings, AControllerSweepsANumberKnobsRange) {
  JamSettings s;
  EXPECT_EQ(set_knob_from_controller(s, "width", 127), "");
  EXPECT_EQ(s.search.width, 32);
  EXPECT_EQ(set_knob_from_controller(s, "width", 0), "");
  EXPECT_EQ(s.search.width, 1);
  EXPECT_EQ(set_knob_from_controller(s, "speculate", 10), "");
  EXPECT_FALSE(s.speculate);
  EXPECT_NE(set_knob_from_controller(s, "seed", 10), "");
}

TEST(JamPreset, TheShippedPresetsLoad) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MUSIC_LSTM_SOURCE_DIR "/presets")) {
    if (entry.path().extension() != ".json") continue;
    JamSettings s;
    EXPECT_NO_THROW(load_preset(entry.path(), s)) << entry.path();
    ++found;
  }
  EXPECT_GE(found, 4);
}

std::string preset_error(const std::string& text) {
  test::TempDir dir;
  { std::ofstream(dir / "bad.json") << text; }
  JamSettings s;
  const JamSettings before = s;
  try {
    load_preset(dir / "bad.json", s);
  } catch (const PresetError& e) {
    EXPECT_EQ(s, before);  // nothing half-applied
    return e.what();
  }
  return "loaded";
}

TEST(JamPreset, ABadPresetNamesTheFileAndTheField) {
  EXPECT_NE(preset_error(R"({"width": 40})")
                .find("bad.json: field width '40': must be a whole "
                      "number from 1 to 32"),
            std::string::npos);
  EXPECT_NE(preset_error(R"({"width": 4, "mood": "happy"})").find("unknown setting 'mood'"),
            std::string::npos);
  EXPECT_NE(preset_error(R"({"mode": ["continuous"]})")
                .find("field 'mode' must be a number or a "
                      "string"),
            std::string::npos);
  EXPECT_NE(preset_error(R"({"width": 4,)").find("bad.json is not valid JSON"), std::string::npos);
  EXPECT_NE(preset_error(R"([1, 2])").find("must be a JSON object"), std::string::npos);
  JamSettings s;
  EXPECT_THROW(load_preset("/nonexistent/p.json", s), PresetError);
}

std::vector<NoteFeatures> echo(std::span<const NoteFeatures> c, const SearchSettings& s) {
  return std::vector<NoteFeatures>(static_cast<std::size_t>(s.length), c.back());
}

TEST(InferenceWorker, OfflineComputesWhenTheAnswerIsAskedFor) {
  std::atomic<int> calls{0};
  InferenceWorker worker(
      [&](std::span<const NoteFeatures> c, const SearchSettings& s) {
        ++calls;
        return echo(c, s);
      },
      false);
  SearchSettings s;
  s.length = 3;
  worker.submit({1, {{60, 0, 1, 64}}, s});
  worker.submit({2, {{62, 0, 1, 64}}, s});  // replaces 1, which is never computed
  EXPECT_FALSE(worker.take(1));
  const auto answer = worker.take(2);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->notes.size(), 3u);
  EXPECT_EQ(answer->notes[0].pitch, 62);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(worker.counters().superseded, 1u);
  EXPECT_FALSE(worker.take(2));  // taken once
}

TEST(InferenceWorker, ANewerRequestReplacesAWaitingOne) {
  std::atomic<bool> release{false};
  std::vector<int> seen;
  std::mutex seen_mutex;
  InferenceWorker worker(
      [&](std::span<const NoteFeatures> c, const SearchSettings& s) {
        {
          std::lock_guard lock(seen_mutex);
          seen.push_back(c.back().pitch);
        }
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return echo(c, s);
      },
      true);
  SearchSettings s;
  s.length = 2;
  worker.submit({1, {{60, 0, 1, 64}}, s});
  while (!worker.working_on(1) || [&] {
    std::lock_guard lock(seen_mutex);
    return seen.empty();
  }()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  worker.submit({2, {{61, 0, 1, 64}}, s});
  worker.submit({3, {{62, 0, 1, 64}}, s});
  release = true;
  std::optional<Answer> answer;
  while (!(answer = worker.take(3))) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(answer->notes[0].pitch, 62);
  std::lock_guard lock(seen_mutex);
  EXPECT_EQ(seen, (std::vector<int>{60, 62}));  // 2 was never computed
  EXPECT_EQ(worker.counters().superseded, 1u);
}

TEST(InferenceWorker, AnErrorComesBackAsTheAnswersError) {
  InferenceWorker worker(
      [](std::span<const NoteFeatures>, const SearchSettings&) -> std::vector<NoteFeatures> {
        throw DecodeError("context too short");
      },
      false);
  worker.submit({7, {{60, 0, 1, 64}}, {}});
  const auto answer = worker.take(7);
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->notes.empty());
  EXPECT_EQ(answer->error, "context too short");
  EXPECT_EQ(worker.counters().failed, 1u);
}

}  // namespace
}  // namespace mlstm::rt
