// The performer on the offline path with a stand-in model: when an answer starts, what playing
// over it does, knobs taking effect, continuous chaining, late and failed answers.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "audio/offline_driver.hpp"
#include "perform/performer.hpp"
#include "support/click_instrument.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000;
constexpr int kBlock = 256;

// A model stand-in: `length` notes climbing from the context's last pitch, the width added to the
// first pitch so a test can see which settings made an answer.
std::vector<NoteFeatures> climb(std::span<const NoteFeatures> context, const SearchSettings& s) {
  if (context.size() != 10) throw std::runtime_error("the stand-in reads 10 notes");
  std::vector<NoteFeatures> out;
  for (int i = 0; i < s.length; ++i) {
    out.push_back({40 + (context.back().pitch + s.width + i) % 48, 0.1, 0.08, 80});
  }
  return out;
}

struct Played {
  SynthEvent event;
};

class PerformerTest : public ::testing::Test {
 protected:
  explicit PerformerTest(Continuer continuer = climb, bool threaded = false,
                         bool sustain_pedal = false)
      : engine_(click_, kRate),
        router_(engine_, {.player_channel = 0, .latency_frames = kBlock}),
        worker_(std::move(continuer), threaded),
        performer_(engine_, listener_, worker_, knobs_,
                   {.sample_rate = kRate,
                    .model_channel = 1,
                    .sustain_pedal = sustain_pedal,
                    .buffer_frames = kBlock}) {
    router_.set_listener(&listener_);
    router_.set_control_keys(&control_keys_);
    performer_.set_control_keys(&control_keys_);
    engine_.record_played = true;
    performer_.on_message = [this](const std::string& line) { messages_.push_back(line); };
  }

  // A player's note: on at `start` s for `length` s.
  void play(int pitch, double start, double length) {
    const auto on = static_cast<std::int64_t>(start * kRate);
    const auto off = static_cast<std::int64_t>((start + length) * kRate);
    input_.push_back({on, {0x90, static_cast<std::uint8_t>(pitch), 90}});
    input_.push_back({off, {0x80, static_cast<std::uint8_t>(pitch), 0}});
    std::stable_sort(input_.begin(), input_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  // A controller (CC `number`) moved to `value` at `at` s.
  void control(int number, int value, double at) {
    input_.push_back({static_cast<std::int64_t>(at * kRate),
                      {0xB0, static_cast<std::uint8_t>(number), static_cast<std::uint8_t>(value)}});
    std::stable_sort(input_.begin(), input_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  // MIDI clock in: start at `from` s, then pulses at each (bpm, until s) in turn; returns the
  // time of the first pulse.
  double clock_in(double from, std::initializer_list<std::pair<double, double>> tempos) {
    input_.push_back({static_cast<std::int64_t>(from * kRate), {0xFA}});
    double t = from + 0.001;
    for (const auto& [bpm, until] : tempos) {
      for (; t < until; t += 60.0 / bpm / 24) input_.push_back({std::llround(t * kRate), {0xF8}});
    }
    std::stable_sort(input_.begin(), input_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    return from + 0.001;
  }
  // A phrase of `notes` notes, a quarter second apart, from `start` s.
  double phrase(int notes, double start, int pitch = 60) {
    for (int i = 0; i < notes; ++i) play(pitch + i % 7, start + 0.25 * i, 0.2);
    return start + 0.25 * (notes - 1) + 0.2;  // the last note-off
  }

  // A phrase of 0.2 s notes a quarter second apart from 0.5 s, under a pedal from 0.4 to 1.9 s,
  // run until answered: the durations of the context the model was given.
  std::vector<double> pedalled_phrase_durations() {
    control(64, 127, 0.4);
    control(64, 0, 1.9);
    phrase(10, 0.5);
    run(12.0);
    std::vector<double> out;
    if (performer_.answers().size() != 1) return out;
    for (const NoteFeatures& f : performer_.answers()[0].answer.context) {
      out.push_back(f.duration);
    }
    return out;
  }

  // Runs the offline loop to `seconds`, ticking the performer before every block.
  void run(double seconds, const std::function<void(std::int64_t)>& at_block = {}) {
    OfflineHooks hooks;
    hooks.before_block = [&](std::int64_t start, std::int64_t end) {
      while (next_ < input_.size() && input_[next_].first < end) {
        const auto& [frame, bytes] = input_[next_++];
        router_.on_message_at_frame(bytes.data(), bytes.size(), frame);
      }
      if (at_block) at_block(start);
      performer_.tick(start);
    };
    hooks.after_block = [&](std::int64_t) {
      SynthEvent e;
      while (engine_.played().try_pop(e)) played_.push_back(e);
    };
    run_offline(engine_, static_cast<std::int64_t>(seconds * kRate) - done_, kBlock, hooks,
                nullptr);
    done_ = static_cast<std::int64_t>(seconds * kRate);
  }

  std::vector<SynthEvent> model(EventKind kind) const {
    std::vector<SynthEvent> out;
    for (const SynthEvent& e : played_) {
      if (e.voice == Voice::kModel && e.kind == kind) out.push_back(e);
    }
    return out;
  }
  // Every model note-on is closed by a note-off or a channel silence at or after it.
  bool every_model_note_closed() const {
    std::vector<int> sounding(128, 0);
    for (const SynthEvent& e : played_) {
      if (e.voice != Voice::kModel) continue;
      if (e.kind == EventKind::kNoteOn) ++sounding[e.data1];
      if (e.kind == EventKind::kNoteOff && sounding[e.data1] > 0) --sounding[e.data1];
      if (e.kind == EventKind::kChannelSilence || e.kind == EventKind::kPanic) {
        std::fill(sounding.begin(), sounding.end(), 0);
      }
    }
    return std::all_of(sounding.begin(), sounding.end(), [](int n) { return n == 0; });
  }

  test::ClickInstrument click_;
  ControlKeys control_keys_;
  AudioEngine engine_;
  InputRouter::ListenerQueue listener_;
  InputRouter router_;
  JamKnobs knobs_;
  InferenceWorker worker_;
  Performer performer_;
  std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> input_;
  std::size_t next_ = 0;
  std::int64_t done_ = 0;
  std::vector<SynthEvent> played_;
  std::vector<std::string> messages_;
};

TEST_F(PerformerTest, AnAnswerStartsWhenTheGapHasPassed) {
  const double last_off = phrase(10, 0.5);
  run(12.0);
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_EQ(ons.size(), 50u);
  const auto due = static_cast<std::int64_t>(last_off * kRate) +
                   static_cast<std::int64_t>(std::llround(knobs_.load().gap_seconds * kRate));
  // Queued a buffer ahead, it starts at the gap's end exactly.
  EXPECT_EQ(ons.front().frame, due);
  EXPECT_EQ(ons[1].frame - ons[0].frame, static_cast<std::int64_t>(0.1 * kRate));
  EXPECT_EQ(model(EventKind::kNoteOff).size(), 50u);
  EXPECT_TRUE(every_model_note_closed());
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.answers()[0].answer.context.back().pitch, 60 + 9 % 7);
  EXPECT_EQ(performer_.counters().late.load(), 0u);
  EXPECT_TRUE(performer_.idle(done_));
}

TEST_F(PerformerTest, NoAnswerWhileAKeyIsHeld) {
  phrase(10, 0.5);
  play(72, 2.0, 6.0);  // held through what would be the gap
  run(7.5);
  EXPECT_TRUE(model(EventKind::kNoteOn).empty());
  run(15.0);
  EXPECT_EQ(model(EventKind::kNoteOn).size(), 50u);
  EXPECT_GE(model(EventKind::kNoteOn).front().frame, 8 * kRate);
}

TEST_F(PerformerTest, PlayingOverAnAnswerStopsTheRest) {
  const double last_off = phrase(10, 0.5);
  const double over = last_off + knobs_.load().gap_seconds + 1.0;  // ten notes into the answer
  play(48, over, 0.3);
  run(over + 0.2);
  const auto ons = model(EventKind::kNoteOn);
  EXPECT_GT(ons.size(), 5u);
  EXPECT_LT(ons.size(), 15u);
  for (const SynthEvent& e : ons) EXPECT_LT(e.frame, static_cast<std::int64_t>(over * kRate));
  EXPECT_EQ(model(EventKind::kChannelSilence).size(), 1u);
  // The note played over it is a phrase of its own, answered in turn.
  run(over + 8.0);
  ASSERT_EQ(performer_.answers().size(), 2u);
  EXPECT_EQ(model(EventKind::kNoteOn).size(), ons.size() + 50);
  EXPECT_TRUE(every_model_note_closed());
  EXPECT_EQ(performer_.counters().yields.load(), 1u);
}

TEST_F(PerformerTest, AFadeTurnsTheVolumeDownThenSilencesAndRestores) {
  knobs_.set("yield", "fade");
  knobs_.set("fade", "0.5");
  const double last_off = phrase(10, 0.5);
  const double over = last_off + knobs_.load().gap_seconds + 1.0;
  play(48, over, 0.3);
  run(over + 0.6);
  std::vector<int> volumes;
  std::int64_t silence = -1;
  for (const SynthEvent& e : played_) {
    if (e.voice != Voice::kModel) continue;
    if (e.kind == EventKind::kControl && e.data1 == 7) volumes.push_back(e.data2);
    if (e.kind == EventKind::kChannelSilence) silence = e.frame;
  }
  ASSERT_GE(volumes.size(), 3u);
  EXPECT_TRUE(std::is_sorted(volumes.rbegin() + 1, volumes.rend()));  // down, then back up
  EXPECT_EQ(volumes.back(), 100);
  EXPECT_NEAR(static_cast<double>(silence) / kRate, over + 0.5, 0.01);
  for (const SynthEvent& e : model(EventKind::kNoteOn)) EXPECT_LT(e.frame, silence);
  EXPECT_TRUE(every_model_note_closed());
}

TEST_F(PerformerTest, TheScaleLockAsksForTheScaleSet) {
  ASSERT_EQ(knobs_.set("scale", "Bb dorian"), "");
  phrase(10, 0.5);
  run(8.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.answers()[0].answer.settings.pitch_classes,
            (music::Scale{10, music::ScaleKind::kDorian}.pitch_classes()));
}

TEST_F(PerformerTest, TheKeyLockFollowsTheKeyThePlayerPlaysIn) {
  ASSERT_EQ(knobs_.set("scale", "key"), "");
  // D major: up the scale from D, the tonic and the fifth held long.
  const int scale[] = {62, 64, 66, 67, 69, 71, 73, 74, 69, 66, 62};
  double t = 0.5;
  for (const int p : scale) {
    play(p, t, p == 62 || p == 69 ? 0.45 : 0.2);
    t += 0.25;
  }
  run(t + 6.0);
  ASSERT_TRUE(performer_.key());
  EXPECT_EQ(*performer_.key(), (music::Scale{2, music::ScaleKind::kMajor}));
  EXPECT_EQ(performer_.view().key, performer_.key());
  ASSERT_FALSE(performer_.answers().empty());
  EXPECT_EQ(performer_.answers().back().answer.settings.pitch_classes,
            (music::Scale{2, music::ScaleKind::kMajor}.pitch_classes()));
}

TEST_F(PerformerTest, BeforeEnoughNotesTheKeyLockAllowsEveryPitch) {
  ASSERT_EQ(knobs_.set("scale", "key"), "");
  phrase(kMinKeyNotes - 1, 0.5);
  run(8.0);
  EXPECT_FALSE(performer_.key());
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.answers()[0].answer.settings.pitch_classes, kAllPitchClasses);
}

// A stand-in that answers in eighth notes at 120 bpm, whatever it hears: every other one louder
// and longer, on the beat.
std::vector<NoteFeatures> eighths(std::span<const NoteFeatures> context, const SearchSettings& s) {
  std::vector<NoteFeatures> out;
  for (int i = 0; i < s.length; ++i) {
    const bool on_beat = i % 2 == 0;
    out.push_back({context.back().pitch + i % 5, 0.25, on_beat ? 0.45 : 0.2, on_beat ? 100 : 60});
  }
  return out;
}

class PerformerTimeTest : public PerformerTest {
 protected:
  PerformerTimeTest() : PerformerTest(eighths) {}

  double quarters(double bpm, double start, int notes) {
    const double beat = 60.0 / bpm;
    double end = 0;
    for (int i = 0; i < notes; ++i) {
      const double length = (i % 4 == 0 ? 0.9 : 0.6) * beat;
      play(i % 4 == 0 ? 48 : 60 + (i * 2) % 12, start + i * beat, length);
      end = std::max(end, start + i * beat + length);
    }
    return end;
  }
  // Frames from `frame` to the nearest beat of a grid through `first` every `period` seconds.
  static double off_grid_ms(std::int64_t frame, double first, double period) {
    const double t = static_cast<double>(frame) / kRate;
    const double k = std::round((t - first) / period);
    return 1000.0 * std::abs(t - (first + k * period));
  }
};

TEST_F(PerformerTimeTest, OnTheBeatAnAnswerEntersOnABeatOfThePlayersTempo) {
  ASSERT_EQ(knobs_.set("entry", "beat"), "");
  // Three phrases at 80, 120 and 160 bpm, each well after the answer to the one before.
  const double bpms[] = {80, 120, 160};
  const double starts[] = {0.5, 20.5, 40.5};
  for (int i = 0; i < 3; ++i) quarters(bpms[i], starts[i], 12);
  run(60.0);
  ASSERT_EQ(performer_.answers().size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const AnswerRecord& r = performer_.answers()[static_cast<std::size_t>(i)];
    EXPECT_LE(off_grid_ms(r.start, starts[i], 60.0 / bpms[i]), 5.0) << bpms[i] << " bpm";
    EXPECT_GE(static_cast<double>(r.start - r.phrase_end) / kRate,
              knobs_.load().gap_seconds - 1e-3);
  }
  ASSERT_TRUE(performer_.beat());
  EXPECT_NEAR(performer_.beat()->bpm, 160.0, 160.0 * 0.03);
  EXPECT_NEAR(performer_.view().beat->bpm, 160.0, 160.0 * 0.03);
}

TEST_F(PerformerTimeTest, OnTheBarAnAnswerEntersWhereABarOfThePhraseWouldBegin) {
  ASSERT_EQ(knobs_.set("entry", "bar"), "");
  ASSERT_EQ(knobs_.set("beats-per-bar", "3"), "");
  quarters(120, 1.0, 10);  // ends in the fourth bar of three beats
  run(12.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_LE(off_grid_ms(performer_.answers()[0].start, 1.0, 1.5), 5.0);
}

TEST_F(PerformerTimeTest, FreeEntryIsTheGapsEndAsBefore) {
  const double end = quarters(120, 1.0, 10);
  run(12.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_NEAR(static_cast<double>(performer_.answers()[0].start) / kRate,
              end + knobs_.load().gap_seconds, 1.5 / kRate + 0.001);
}

std::vector<SynthEvent> clicks(const std::vector<SynthEvent>& played) {
  std::vector<SynthEvent> out;
  for (const SynthEvent& e : played) {
    if (e.voice == Voice::kClick && e.kind == EventKind::kNoteOn) out.push_back(e);
  }
  return out;
}

TEST_F(PerformerTimeTest, TheMetronomeClicksItsTempoWithTheBarLineAccented) {
  ASSERT_EQ(knobs_.set("metronome", "click"), "");
  ASSERT_EQ(knobs_.set("metronome-bpm", "120"), "");
  ASSERT_EQ(knobs_.set("beats-per-bar", "3"), "");
  run(4.0);
  const auto c = clicks(played_);
  ASSERT_GE(c.size(), 7u);
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c[i].channel, kClickChannel);
    EXPECT_EQ(c[i].data1, i % 3 == 0 ? kClickBarKey : kClickBeatKey) << i;
    if (i > 0) {
      EXPECT_EQ(c[i].frame - c[i - 1].frame, kRate / 2) << i;
    }
  }
  ASSERT_TRUE(performer_.beat());
  EXPECT_EQ(performer_.beat()->bpm, 120.0);
  EXPECT_TRUE(model(EventKind::kNoteOn).empty());  // the clicks are not the model's voice
}

TEST_F(PerformerTimeTest, ACountInClicksItsBarsThenKeepsTheBeatSilently) {
  ASSERT_EQ(knobs_.set("metronome", "count-in"), "");
  ASSERT_EQ(knobs_.set("metronome-bpm", "90"), "");
  ASSERT_EQ(knobs_.set("count-in", "2"), "");
  run(12.0);
  EXPECT_EQ(clicks(played_).size(), 8u);  // two bars of four
  ASSERT_TRUE(performer_.beat());
  EXPECT_EQ(performer_.beat()->bpm, 90.0);
}

TEST_F(PerformerTimeTest, WithTheMetronomeAnswersEnterOnItsBeatNotOnTheHeardOne) {
  ASSERT_EQ(knobs_.set("metronome", "count-in"), "");
  ASSERT_EQ(knobs_.set("metronome-bpm", "100"), "");
  ASSERT_EQ(knobs_.set("entry", "beat"), "");
  run(0.01);
  const auto first_click = static_cast<double>(performer_.beat()->phase) / kRate;
  quarters(140, 2.0, 10);  // the player plays at another tempo: the metronome's beat still rules
  run(14.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_LE(off_grid_ms(performer_.answers()[0].start, first_click, 0.6), 0.1);
  EXPECT_EQ(performer_.beat()->bpm, 100.0);
  ASSERT_EQ(knobs_.set("metronome", "off"), "");
  quarters(140, 20.0, 10);
  run(30.0);
  ASSERT_TRUE(performer_.beat());
  EXPECT_NEAR(performer_.beat()->bpm, 140.0, 140 * 0.03);  // heard from the player again
}

TEST_F(PerformerTimeTest, MidiClockOutPulsesTwentyFourABeatFromStartToStop) {
  ASSERT_EQ(knobs_.set("metronome", "count-in"), "");
  ASSERT_EQ(knobs_.set("metronome-bpm", "120"), "");
  ASSERT_EQ(knobs_.set("clock-out", "on"), "");
  run(4.0);
  ASSERT_EQ(knobs_.set("metronome-bpm", "150"), "");  // a tempo change: the pulses follow
  run(8.0);
  ASSERT_EQ(knobs_.set("clock-out", "off"), "");
  run(9.0);
  std::vector<SynthEvent> clock;
  for (const SynthEvent& e : played_) {
    if (e.kind == EventKind::kClock) clock.push_back(e);
  }
  ASSERT_GT(clock.size(), 10u);
  EXPECT_EQ(clock.front().data1, 0xFA);
  EXPECT_EQ(clock.back().data1, 0xFC);
  // Pulses 1000 frames apart at 120 bpm (a beat of 24000 frames), 800 at 150, within 1 ms, and
  // the first on the metronome's first beat.
  std::vector<std::int64_t> pulses;
  for (const SynthEvent& e : clock) {
    if (e.data1 == 0xF8) pulses.push_back(e.frame);
  }
  EXPECT_EQ(pulses.front(), clock.front().frame + 1);
  EXPECT_EQ(pulses.front(), clicks(played_).front().frame);
  int at_120 = 0, at_150 = 0;
  for (std::size_t i = 1; i < pulses.size(); ++i) {
    const std::int64_t gap = pulses[i] - pulses[i - 1];
    if (std::abs(gap - 1000) <= kRate / 1000) {
      ++at_120;
    } else if (std::abs(gap - 800) <= kRate / 1000) {
      ++at_150;
    } else if (pulses[i - 1] < 4 * kRate || pulses[i] > 4 * kRate + 24000) {
      ADD_FAILURE() << "a pulse " << gap << " frames after the one before, at " << pulses[i];
    }
  }
  EXPECT_GE(at_120, 24 * 7 - 1);  // about 8 beats at 120 before the change
  EXPECT_GE(at_150, 24 * 9);      // about 10 at 150 after it
}

TEST_F(PerformerTimeTest, ThePlayersTempoScalesTheAnswer) {
  ASSERT_EQ(knobs_.set("answer-tempo", "player"), "");
  ASSERT_EQ(knobs_.set("length", "16"), "");
  const double bpms[] = {80, 120, 160};
  const double starts[] = {0.5, 20.5, 40.5};
  for (int i = 0; i < 3; ++i) quarters(bpms[i], starts[i], 12);
  run(60.0);
  ASSERT_EQ(performer_.answers().size(), 3u);
  // The stand-in's notes are 0.25 s apart whatever the phrase: played at the player's tempo, they
  // are as much further apart as the player's beat is longer.
  double ioi[3];
  for (int i = 0; i < 3; ++i) {
    ioi[i] = 0.25 * performer_.answers()[static_cast<std::size_t>(i)].time_scale;
  }
  EXPECT_NEAR(ioi[1], 0.25, 0.01);  // the stand-in's tempo is the player's
  EXPECT_NEAR(ioi[0] / ioi[2], 2.0, 0.1);
  EXPECT_NEAR(ioi[1] / ioi[2], 4.0 / 3.0, 0.07);
  // And as scheduled: the model's note-ons of the first answer are that far apart.
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_GE(ons.size(), 2u);
  EXPECT_NEAR(static_cast<double>(ons[1].frame - ons[0].frame) / kRate, ioi[0], 0.001);
}

TEST_F(PerformerTimeTest, MidiClockInIsTheJamsBeatAndAnswersEnterOnIt) {
  ASSERT_EQ(knobs_.set("entry", "beat"), "");
  const double first = clock_in(0.2, {{100, 20}});
  quarters(140, 2.0, 10);  // the player at another tempo: the clock's beat rules
  run(12.0);
  ASSERT_TRUE(performer_.beat());
  EXPECT_STREQ(performer_.beat()->source, "clock");
  EXPECT_NEAR(performer_.beat()->bpm, 100.0, 0.01);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_LE(off_grid_ms(performer_.answers()[0].start, first, 0.6), 0.1);
  EXPECT_NE(std::find(messages_.begin(), messages_.end(), "following MIDI clock in at 100.0 bpm"),
            messages_.end());
}

TEST_F(PerformerTimeTest, AnAnswerInThePlayersTempoFollowsAClockTempoChange) {
  ASSERT_EQ(knobs_.set("entry", "beat"), "");
  ASSERT_EQ(knobs_.set("answer-tempo", "player"), "");
  // 100 bpm until 10 s, then 140: the answer (eighths, from about 6 s for 15 s) spans the change.
  const double change = 10.0;
  const double first = clock_in(0.2, {{100, change}, {140, 30}});
  quarters(100, 0.5, 8);
  run(26.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_NEAR(performer_.answers()[0].time_scale, 1.2, 1e-3);  // 100 bpm against the model's 120
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_EQ(ons.size(), 50u);
  // The clock's beats: at 100 bpm through `first` until the change, then at 140 on from the
  // pulse there (pulse times as clock_in() sends them).
  double t = first;
  while (t < change) t += 0.6 / 24;
  const double beat140 = 60.0 / 140;
  int before = 0, after = 0;
  for (std::size_t i = 1; i < ons.size(); ++i) {
    const double at = static_cast<double>(ons[i].frame) / kRate;
    const double gap = static_cast<double>(ons[i].frame - ons[i - 1].frame) / kRate;
    if (at < change) {
      EXPECT_NEAR(gap, 0.3, 0.001) << i;  // eighths at 100 bpm
      ++before;
    } else if (at > change + beat140 + kHandAheadSeconds) {
      // Within a beat of the change, every note is at 140 bpm, and those on the beat on its
      // beats (the pulses after the change count on from those before it). A note may move by
      // a millisecond or two as the clock's line settles.
      EXPECT_NEAR(gap, beat140 / 2, 0.002) << i;
      if (i % 2 == 0) {
        const double beats = (at - t) / beat140;
        const double pulses_in = std::round((t - first) / (0.6 / 24));
        const double phase = std::fmod(pulses_in, 24.0) / 24.0;  // of a beat, at the change
        const double off = std::fmod(beats + phase + 1.0, 1.0);
        EXPECT_LE(std::min(off, 1.0 - off) * beat140 * 1000, 1.0) << i;
      }
      ++after;
    }
  }
  EXPECT_GE(before, 10);
  EXPECT_GE(after, 15);
  EXPECT_TRUE(every_model_note_closed());
}

TEST_F(PerformerTimeTest, ASpeculativeAnswerSurvivesAClockWhoseTempoWobbles) {
  ASSERT_EQ(knobs_.set("entry", "beat"), "");
  ASSERT_EQ(knobs_.set("answer-tempo", "player"), "");
  // A clock at 140 bpm whose pulses come a frame or two early or late, as a drum machine's do
  // over JACK: its fitted tempo moves in its last digits from pulse to pulse, between the
  // speculative request (the player's last release) and the phrase's end (the gap later).
  input_.push_back({static_cast<std::int64_t>(0.2 * kRate), {0xFA}});
  const double pulse = 60.0 / 140 / 24;
  for (int i = 0; 0.201 + i * pulse < 20; ++i) {
    const auto jitter = static_cast<std::int64_t>((i * 7) % 5) - 2;
    input_.push_back({std::llround((0.201 + i * pulse) * kRate) + jitter, {0xF8}});
  }
  std::stable_sort(input_.begin(), input_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  quarters(140, 1.0, 8);
  run(10.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  const AnswerRecord& a = performer_.answers()[0];
  ASSERT_TRUE(a.beat);
  EXPECT_STREQ(a.beat->source, "clock");
  EXPECT_NE(a.beat->bpm, 140.0);  // the wobble is there to survive
  // One request a release of the player's 8 notes (speculation), and none more: the last one's
  // answer was used, not thrown away and asked for again at the phrase's end.
  EXPECT_EQ(performer_.counters().requests.load(), 8u);
  EXPECT_TRUE(a.ready_in_time);
  // Played at the tempo of the moment it was scheduled: 140 bpm against the model's 120.
  EXPECT_NEAR(a.time_scale, 120.0 / 140.0, 1e-3);
}

TEST_F(PerformerTimeTest, WhenTheClockStopsTheJamKeepsItsOwnBeatAgain) {
  clock_in(0.2, {{120, 3}});
  input_.push_back({3 * kRate, {0xFC}});
  run(2.0);
  ASSERT_TRUE(performer_.beat());
  EXPECT_STREQ(performer_.beat()->source, "clock");
  run(4.0);
  EXPECT_FALSE(performer_.beat());
  EXPECT_EQ(messages_.back(), "MIDI clock in stopped: the jam keeps its own beat again");
  ASSERT_EQ(knobs_.set("clock-in", "off"), "");  // off: a running clock is not followed
  clock_in(5.0, {{120, 8}});
  run(7.0);
  EXPECT_FALSE(performer_.beat());
}

TEST_F(PerformerTest, OutLatencySendsTheModelsNotesThatMuchBeforeTheyAreHeard) {
  ASSERT_EQ(knobs_.set("out-latency", "30"), "");
  engine_.forward_model = true;
  phrase(10, 0.5);
  std::vector<SynthEvent> sent;
  run(12.0, [&](std::int64_t) {
    SynthEvent e;
    while (engine_.forwarded().try_pop(e)) sent.push_back(e);
  });
  const auto heard = model(EventKind::kNoteOn);
  std::vector<SynthEvent> sent_ons;
  for (const SynthEvent& e : sent) {
    if (e.kind == EventKind::kNoteOn) sent_ons.push_back(e);
  }
  ASSERT_EQ(heard.size(), 50u);  // heard once (the sent copies are not heard or recorded)
  ASSERT_EQ(sent_ons.size(), 50u);
  for (std::size_t i = 0; i < heard.size(); ++i) {
    EXPECT_EQ(heard[i].frame - sent_ons[i].frame, 30 * kRate / 1000) << i;
    EXPECT_EQ(heard[i].data1, sent_ons[i].data1);
  }
  EXPECT_EQ(engine_.counters().late_events.load(), 0u);
}

TEST_F(PerformerTest, InLatencyTimesThePhraseFromWhenItWasPlayed) {
  ASSERT_EQ(knobs_.set("in-latency", "50"), "");
  const double last_off = phrase(10, 0.5);
  run(12.0);
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_FALSE(ons.empty());
  // The note-off reached the jam 50 ms after it was played: the gap counts from then.
  const auto due = static_cast<std::int64_t>(last_off * kRate) - 50 * kRate / 1000 +
                   std::llround(knobs_.load().gap_seconds * kRate);
  EXPECT_EQ(ons.front().frame, due);
}

TEST_F(PerformerTest, APanicDropsTheRestOfTheAnswer) {
  phrase(10, 0.5);
  run(5.0);
  ASSERT_FALSE(model(EventKind::kNoteOn).empty());
  engine_.control_input().try_push({kFrameNow, EventKind::kPanic});
  const std::int64_t panic = done_;
  run(12.0);
  for (const SynthEvent& e : model(EventKind::kNoteOn)) EXPECT_LE(e.frame, panic);
  EXPECT_LT(model(EventKind::kNoteOn).size(), 50u);
  EXPECT_EQ(performer_.outbox_size(), 0u);
  EXPECT_TRUE(performer_.idle(done_));
  EXPECT_TRUE(every_model_note_closed());
}

TEST_F(PerformerTimeTest, TheModelsTempoLeavesTheAnswerAlone) {
  quarters(80, 0.5, 12);
  run(20.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.answers()[0].time_scale, 1.0);
}

TEST_F(PerformerTest, MidiLearnBindsTheNextControllerToAKnob) {
  ASSERT_EQ(performer_.learn("temperature"), "");
  EXPECT_EQ(performer_.learning(), "temperature");
  control(21, 40, 0.1);  // the controller moved while learning: bound, its value not applied
  run(0.2);
  EXPECT_EQ(performer_.learning(), "");
  ASSERT_EQ(knobs_.load().bindings.size(), 1u);
  EXPECT_EQ(knobs_.load().bindings[0], (ControllerBinding{21, "temperature"}));
  EXPECT_EQ(knobs_.load().search.temperature, 1.0);
  ASSERT_FALSE(messages_.empty());
  EXPECT_EQ(messages_.back(), "controller 21 now controls temperature");
  control(21, 127, 0.3);
  run(0.4);
  EXPECT_DOUBLE_EQ(knobs_.load().search.temperature, 4.0);  // the top of its range
  control(21, 0, 0.5);
  control(7, 0, 0.5);  // an unbound controller changes nothing
  run(0.6);
  EXPECT_DOUBLE_EQ(knobs_.load().search.temperature, 0.01);
}

TEST_F(PerformerTest, AControllerSweepsAChoiceKnobThroughItsChoices) {
  ASSERT_EQ(performer_.learn("mode"), "");
  control(22, 0, 0.1);
  control(22, 64, 0.2);
  run(0.3);
  EXPECT_EQ(knobs_.load().mode, JamMode::kContinuous);
  control(22, 127, 0.4);
  run(0.5);
  EXPECT_EQ(knobs_.load().mode, JamMode::kListenOnly);
}

TEST_F(PerformerTest, APedalBoundToAnswerNowAnswersWithoutWaitingForTheGap) {
  ASSERT_EQ(performer_.learn("answer-now"), "");
  control(64, 0, 0.1);
  run(0.2);
  ASSERT_EQ(knobs_.load().bindings[0], (ControllerBinding{64, "answer-now"}));
  ASSERT_EQ(knobs_.set("gap", "3"), "");
  const double last_off = phrase(10, 0.5);
  control(64, 127, last_off + 0.05);  // pressed just after the last note
  control(64, 0, last_off + 0.2);
  run(last_off + 1.0);
  ASSERT_EQ(performer_.answers().size(), 1u);  // three seconds of gap would still be running
  EXPECT_LT(static_cast<double>(performer_.answers()[0].start) / kRate, last_off + 0.1);
}

// A model that answers only once the test lets it: an answer as late as the test wants, whatever
// the machine's speed.
class GatedModelTest : public PerformerTest {
 protected:
  GatedModelTest()
      : PerformerTest(
            [this](std::span<const NoteFeatures> context, const SearchSettings& s) {
              std::unique_lock lock(mutex_);
              opened_.wait(lock, [this] { return open_; });
              return climb(context, s);
            },
            /*threaded=*/true) {}
  ~GatedModelTest() override { open(); }
  void open() {
    const std::lock_guard lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

TEST_F(GatedModelTest, ALateAnswerSaysItWasAskedForOnlyAtThePhrasesEndAndWhy) {
  ASSERT_EQ(knobs_.set("speculate", "off"), "");
  const double end = phrase(10, 0.5);
  // The model is let go a second after the phrase's answer was due; the performer waits for it.
  const double due = end + knobs_.load().gap_seconds;
  run(due + 1.0);
  open();
  for (int i = 0; i < 2000 && performer_.answers().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    run(static_cast<double>(done_) / kRate + 0.01);
  }
  ASSERT_EQ(performer_.answers().size(), 1u);
  const AnswerRecord& a = performer_.answers()[0];
  EXPECT_TRUE(a.late);
  EXPECT_EQ(performer_.counters().late.load(), 1u);
  const auto said = std::find_if(messages_.begin(), messages_.end(), [](const std::string& m) {
    return m.rfind("answer 1 started", 0) == 0;
  });
  ASSERT_NE(said, messages_.end());
  EXPECT_NE(said->find("asked for only at the phrase's end (speculation is off)"),
            std::string::npos)
      << *said;
  EXPECT_NE(said->find("a longer gap helps"), std::string::npos) << *said;
}

class PedalModelTest : public PerformerTest {
 protected:
  PedalModelTest() : PerformerTest(climb, false, /*sustain_pedal=*/true) {}
};

TEST_F(PedalModelTest, NotesReleasedUnderThePedalReachTheModelAsHeard) {
  const std::vector<double> d = pedalled_phrase_durations();
  ASSERT_EQ(d.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    // Released under the pedal (notes 0 to 4), they sound until it comes up at 1.9 s; note 5 is
    // still down then and ends at its key, as do the notes after.
    const double heard = i < 5 ? 1.9 - (0.5 + 0.25 * i) : 0.2;
    EXPECT_NEAR(d[static_cast<std::size_t>(i)], heard, 1e-4) << "note " << i;
  }
}

TEST_F(PerformerTest, AModelThatLearntNoPedalReadsTheKeysAlone) {
  const std::vector<double> d = pedalled_phrase_durations();
  ASSERT_EQ(d.size(), 10u);
  for (double duration : d) EXPECT_NEAR(duration, 0.2, 1e-4);
}

TEST_F(PerformerTest, AKeyOutsideThePlayedRangeLearnedForAnswerNowIsAControlNotANote) {
  ASSERT_EQ(knobs_.set("gap", "3"), "");
  ASSERT_EQ(performer_.learn("answer-now"), "");
  play(21, 0.1, 0.1);  // the lowest A: learned (this press itself is heard)
  run(0.3);
  ASSERT_EQ(knobs_.load().bindings.size(), 1u);
  EXPECT_EQ(knobs_.load().bindings[0], (ControllerBinding{21, "answer-now", true}));
  EXPECT_EQ(messages_.back(), "key 21 now controls answer-now");
  EXPECT_TRUE(control_keys_.has(21));
  const double last_off = phrase(10, 0.5);
  play(21, last_off + 0.05, 0.1);  // pressed just after the last note: answers now
  run(last_off + 1.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_LT(static_cast<double>(performer_.answers()[0].start) / kRate, last_off + 0.1);
  // The model never heard the key, and neither did the player: only the learning press sounded.
  EXPECT_EQ(performer_.answers()[0].answer.context.back().pitch, 60 + 9 % 7);
  int heard = 0;
  for (const SynthEvent& e : played_) {
    heard += e.voice == Voice::kPlayer && e.kind == EventKind::kNoteOn && e.data1 == 21;
  }
  EXPECT_EQ(heard, 1);
}

TEST_F(PerformerTest, AKeyBoundToAKnobSetsItByVelocity) {
  JamSettings s = knobs_.load();
  add_binding(s.bindings, {108, "temperature", true});
  knobs_.store(s);
  input_.push_back({kRate / 10, {0x90, 108, 127}});
  input_.push_back({kRate / 5, {0x80, 108, 0}});
  run(0.3);
  EXPECT_DOUBLE_EQ(knobs_.load().search.temperature, 4.0);  // the top; released: it stays
  EXPECT_TRUE(performer_.answers().empty());                // and no phrase was played
}

TEST_F(PerformerTest, AControllerBoundToStopAnswerSilencesTheModel) {
  ASSERT_EQ(performer_.learn("stop-answer"), "");
  control(80, 0, 0.1);
  const double last_off = phrase(10, 0.5);
  const double into = last_off + knobs_.load().gap_seconds + 1.0;
  control(80, 127, into);
  run(into + 10.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.counters().yields.load(), 1u);
  for (const SynthEvent& e : model(EventKind::kNoteOn)) {
    EXPECT_LE(static_cast<double>(e.frame) / kRate, into + 0.01);
  }
  EXPECT_TRUE(every_model_note_closed());
}

TEST_F(PerformerTest, MidiLearnRefusesWhatNoControllerCanSet) {
  EXPECT_NE(performer_.learn("seed").find("a controller cannot control 'seed'"), std::string::npos);
  EXPECT_NE(performer_.learn("nonsense"), "");
  EXPECT_EQ(performer_.learning(), "");
}

TEST_F(PerformerTest, AKnobChangedMidSessionChangesTheNextAnswer) {
  knobs_.set("width", "1");
  phrase(10, 0.5);
  const double second = phrase(10, 12.0, 64);
  run(10.0);
  ASSERT_EQ(knobs_.set("width", "8"), "");
  run(second + 8.0);
  ASSERT_EQ(performer_.answers().size(), 2u);
  EXPECT_EQ(performer_.answers()[0].answer.settings.width, 1);
  EXPECT_EQ(performer_.answers()[1].answer.settings.width, 8);
  // The notes are what the model gives for that context and setting.
  const auto& second_answer = performer_.answers()[1].answer;
  SearchSettings s;
  s.width = 8;
  const auto expected = climb(second_answer.context, s);
  EXPECT_EQ(second_answer.notes, expected);
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_EQ(ons.size(), 100u);
  EXPECT_EQ(ons[50].data1, expected.front().pitch);
}

TEST_F(PerformerTest, TempoAndVelocityScaleTheAnswer) {
  knobs_.set("tempo", "2");
  knobs_.set("velocity", "0.5");
  phrase(10, 0.5);
  run(16.0);
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_EQ(ons.size(), 50u);
  EXPECT_EQ(ons[1].frame - ons[0].frame, static_cast<std::int64_t>(0.2 * kRate));
  EXPECT_EQ(ons[0].data2, 40);
}

TEST_F(PerformerTest, AShortPhraseIsAnsweredFromItsRepeat) {
  play(60, 0.5, 0.2);
  play(64, 0.75, 0.2);
  play(67, 1.0, 0.2);
  run(10.0);
  ASSERT_EQ(performer_.answers().size(), 1u);
  const auto& context = performer_.answers()[0].answer.context;
  ASSERT_EQ(context.size(), 10u);
  EXPECT_EQ(context.back().pitch, 67);
  EXPECT_EQ(context[6].pitch, 67);  // ... 60 64 67 | 60 64 67
  EXPECT_EQ(model(EventKind::kNoteOn).size(), 50u);
}

TEST_F(PerformerTest, ListenOnlyNeverAnswers) {
  knobs_.set("mode", "listen");
  phrase(10, 0.5);
  run(10.0);
  EXPECT_TRUE(model(EventKind::kNoteOn).empty());
  EXPECT_EQ(performer_.counters().requests.load(), 0u);
}

TEST_F(PerformerTest, ContinuousModeChainsUntilThePlayerPlays) {
  knobs_.set("mode", "continuous");
  knobs_.set("length", "20");
  phrase(10, 0.5);
  play(50, 15.0, 0.3);
  run(17.0);
  const auto& answers = performer_.answers();
  ASSERT_GE(answers.size(), 4u);
  EXPECT_FALSE(answers[0].chained);
  EXPECT_TRUE(answers[1].chained);
  // A chained part goes on from the model's own notes, one step after its last.
  EXPECT_EQ(answers[1].answer.context.back().pitch, answers[0].answer.notes.back().pitch);
  EXPECT_EQ(answers[1].start - answers[0].start, static_cast<std::int64_t>(0.1 * kRate) * 20);
  // Silent from the player's note until that note, as a phrase of its own, is answered.
  const std::int64_t answered_again = (15 * kRate) + static_cast<std::int64_t>(0.65 * kRate);
  for (const SynthEvent& e : model(EventKind::kNoteOn)) {
    EXPECT_TRUE(e.frame < 15 * kRate || e.frame >= answered_again) << e.frame;
  }
  EXPECT_EQ(performer_.counters().yields.load(), 1u);
  EXPECT_EQ(performer_.counters().late.load(), 0u);
  // Back to call-and-response: the part playing ends, nothing is left sounding.
  knobs_.set("mode", "call-and-response");
  run(30.0);
  EXPECT_TRUE(every_model_note_closed());
  EXPECT_TRUE(performer_.idle(done_));
}

TEST_F(PerformerTest, AProgramKnobChangesTheModelVoice) {
  knobs_.set("program", "40");
  run(0.1);
  const auto programs = model(EventKind::kProgram);
  ASSERT_EQ(programs.size(), 1u);
  EXPECT_EQ(programs[0].data1, 40);
  EXPECT_EQ(programs[0].channel, 1);
}

TEST_F(PerformerTest, AChainedPartIsAskedForOnlyWhenThePartPlayingHasNearlyPlayedOut) {
  knobs_.set("mode", "continuous");
  knobs_.set("length", "80");  // 8 s a part: its last note 7.9 s after its first
  const double last_off = phrase(10, 0.5);
  const double first = last_off + knobs_.load().gap_seconds;
  std::vector<std::pair<double, std::uint64_t>> requests;  // (time, requests so far)
  run(first + 20.0, [&](std::int64_t frame) {
    requests.emplace_back(static_cast<double>(frame) / kRate,
                          performer_.counters().requests.load());
  });
  const auto& answers = performer_.answers();
  ASSERT_GE(answers.size(), 3u);
  // The first chained request came 2 s before the first part's last note, not while it was
  // starting: no request between the first part's start and then.
  const double first_start = static_cast<double>(answers[0].start) / kRate;
  const double asked = static_cast<double>(answers[1].requested) / kRate;
  EXPECT_NEAR(asked, first_start + 7.9 - 2.0, 0.01);
  std::uint64_t at_start = 0;
  for (const auto& [t, n] : requests) {
    if (t <= first_start) at_start = n;
    if (t > first_start && t < asked) {
      EXPECT_EQ(n, at_start) << t;
    }
  }
  EXPECT_EQ(performer_.counters().late.load(), 0u);
}

// A model stand-in whose notes all take `step` and last `duration`: the runaway (step 0,
// 20 ms) or a flood (a note every 10 ms).
Continuer steady(double step, double duration) {
  return [step, duration](std::span<const NoteFeatures> context, const SearchSettings& s) {
    std::vector<NoteFeatures> out;
    for (int i = 0; i < s.length; ++i) {
      out.push_back({40 + (context.back().pitch + i) % 48, step, duration, 80});
    }
    return out;
  };
}

// A model stand-in whose notes float over any grid: a step of 0.17 s (a sixteenth at its 120 bpm
// is 0.125).
class LooseModelTest : public PerformerTest {
 protected:
  LooseModelTest() : PerformerTest(steady(0.17, 0.1)) {}

  // A clock at 100 bpm from 0.2 s, and the player's sixteenths on it from its fifth beat; runs
  // until the answer has played. Returns the clock's first pulse.
  double play_on_a_clock() {
    EXPECT_EQ(knobs_.set("entry", "beat"), "");
    EXPECT_EQ(knobs_.set("answer-tempo", "player"), "");
    EXPECT_EQ(knobs_.set("length", "30"), "");
    const double first = clock_in(0.2, {{100, 20}});
    for (int i = 0; i < 10; ++i) play(60 + i % 5, first + 2.4 + 0.15 * i, 0.1);
    run(16.0);
    return first;
  }
  // The share of the model's onsets within 20 ms of a sixteenth of the clock through `first`.
  double on_sixteenths(double first) const {
    const auto ons = model(EventKind::kNoteOn);
    int near = 0;
    for (const SynthEvent& e : ons) {
      const double t = static_cast<double>(e.frame) / kRate - first;
      const double k = std::round(t / 0.15);
      near += std::abs(t - k * 0.15) <= 0.020;
    }
    return ons.empty() ? 0.0 : static_cast<double>(near) / static_cast<double>(ons.size());
  }
};

TEST_F(LooseModelTest, WithAClockAnAnswerInThePlayersTempoIsDrawnToTheSixteenths) {
  const double first = play_on_a_clock();
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.answers()[0].grid, "sixteenths");
  EXPECT_EQ(model(EventKind::kNoteOn).size(), 30u);
  EXPECT_GE(on_sixteenths(first), 0.8);
  EXPECT_TRUE(every_model_note_closed());
}

TEST_F(LooseModelTest, AtGrooveZeroTheAnswerPlaysAsTheModelWroteIt) {
  ASSERT_EQ(knobs_.set("groove", "0"), "");
  const double first = play_on_a_clock();
  ASSERT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.answers()[0].grid, "");
  EXPECT_LT(on_sixteenths(first), 0.6);
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_EQ(ons.size(), 30u);
  for (std::size_t i = 1; i < ons.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(ons[i].frame - ons[i - 1].frame) / kRate, 0.17 * 1.2, 1e-3);
  }
}

class StackingModelTest : public PerformerTest {
 protected:
  StackingModelTest() : PerformerTest(steady(0.0, 0.02)) {}
};

TEST_F(StackingModelTest, AnAnswerWithNoSpanIsNeverChained) {
  knobs_.set("mode", "continuous");
  knobs_.set("length", "30");
  phrase(10, 0.5);
  std::uint64_t requests_when_answered = 0;
  run(30.0, [&](std::int64_t) {
    if (performer_.answers().empty()) {
      requests_when_answered = performer_.counters().requests.load();
    }
  });
  // The player's answer plays (30 notes at one instant), then continuous mode stops and says so:
  // nothing more is asked of the model.
  EXPECT_EQ(performer_.answers().size(), 1u);
  EXPECT_EQ(performer_.counters().unchained.load(), 1u);
  EXPECT_EQ(performer_.counters().requests.load(), requests_when_answered);
  EXPECT_EQ(model(EventKind::kNoteOn).size(), 30u);
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_NE(messages_[0].find("continuous mode"), std::string::npos) << messages_[0];
  EXPECT_EQ(performer_.counters().late.load(), 0u);
  EXPECT_TRUE(performer_.idle(done_));
}

class FloodingModelTest : public PerformerTest {
 protected:
  FloodingModelTest() : PerformerTest(steady(0.01, 0.05)) {}
};

TEST_F(FloodingModelTest, TheModelsNotesASecondAreBoundedAndTheBoundIsSaid) {
  knobs_.set("length", "300");  // 100 notes a second for 3 s
  phrase(10, 0.5);
  run(12.0);
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_FALSE(ons.empty());
  std::size_t from = 0;
  for (std::size_t to = 0; to < ons.size(); ++to) {
    while (ons[to].frame - ons[from].frame >= kRate) ++from;
    EXPECT_LE(to - from + 1, static_cast<std::size_t>(kMaxModelNotesPerSecond)) << to;
  }
  EXPECT_EQ(ons.size() + performer_.counters().rate_limited_notes.load(), 300u);
  EXPECT_GT(ons.size(), 100u);  // the bound thins the answer out, it does not cut it off
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_NE(messages_[0].find("in any second"), std::string::npos) << messages_[0];
  EXPECT_TRUE(every_model_note_closed());
}

class FailingModelTest : public PerformerTest {
 protected:
  FailingModelTest()
      : PerformerTest(
            [](std::span<const NoteFeatures>, const SearchSettings&) -> std::vector<NoteFeatures> {
              throw DecodeError("the model gave NaN");
            },
            false) {}
};

TEST_F(FailingModelTest, AFailedAnswerIsSkippedAndSaid) {
  phrase(10, 0.5);
  run(8.0);
  EXPECT_TRUE(model(EventKind::kNoteOn).empty());
  EXPECT_EQ(performer_.counters().failed.load(), 1u);
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_NE(messages_[0].find("the model gave NaN"), std::string::npos);
}

// A model that answers only when the test lets it: the answer comes after the phrase ended.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  int calls = 0;
};

class SlowModelTest : public PerformerTest {
 protected:
  SlowModelTest()
      : PerformerTest(
            [this](std::span<const NoteFeatures> c, const SearchSettings& s) {
              std::unique_lock lock(gate_.mutex);
              ++gate_.calls;
              gate_.cv.wait(lock, [this] { return gate_.open; });
              return climb(c, s);
            },
            true) {}
  ~SlowModelTest() override { release(); }
  void release() {
    {
      std::lock_guard lock(gate_.mutex);
      gate_.open = true;
    }
    gate_.cv.notify_all();
  }
  Gate gate_;
};

TEST_F(SlowModelTest, ALateAnswerStartsWhenReadyAndIsReported) {
  const double last_off = phrase(10, 0.5);
  run(last_off + 2.0);  // the gap passed long ago; the audio went on without the answer
  EXPECT_TRUE(model(EventKind::kNoteOn).empty());
  release();
  while (worker_.working_on(performer_.counters().requests.load())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  run(last_off + 10.0);
  const auto ons = model(EventKind::kNoteOn);
  ASSERT_EQ(ons.size(), 50u);
  EXPECT_GE(ons.front().frame, static_cast<std::int64_t>((last_off + 2.0) * kRate));
  EXPECT_EQ(performer_.counters().late.load(), 1u);
  ASSERT_FALSE(messages_.empty());
  EXPECT_NE(messages_[0].find("late"), std::string::npos);
}

}  // namespace
}  // namespace mlstm::rt
