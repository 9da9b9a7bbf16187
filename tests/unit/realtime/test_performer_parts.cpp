// The performer's parts, one behaviour each, without the performer around them: the phrase
// listener, the control surface, the tempo map, the click track and the sequencer (the answering
// part is the performer's own tests' subject: it needs the others).
#include <gtest/gtest.h>

#include <vector>

#include "perform/click_track.hpp"
#include "perform/control_surface.hpp"
#include "perform/phrase_listener.hpp"
#include "perform/sequencer.hpp"
#include "perform/tempo_map.hpp"
#include "support/click_instrument.hpp"

namespace mlstm::rt {
namespace {

constexpr int kRate = 48000;

std::int64_t at(double seconds) {
  return static_cast<std::int64_t>(seconds * kRate);
}

TEST(PhraseListener, ANoteAfterTheGapStartsAPhraseAndEveryChangeBumpsTheVersion) {
  PhraseListener l(kRate, 10);
  const std::int64_t gap = at(0.8);
  l.note_on(60, 90, at(1.0), gap);
  EXPECT_EQ(l.phrase_start(), at(1.0));
  l.note_off(60, at(1.2));
  l.note_on(62, 90, at(1.5), gap);  // 0.3 s later: the same phrase
  EXPECT_EQ(l.phrase_start(), at(1.0));
  l.note_off(62, at(1.7));
  EXPECT_EQ(l.version(), 4u);
  l.note_on(64, 90, at(3.0), gap);  // after 1.3 s of silence: a new phrase
  EXPECT_EQ(l.phrase_start(), at(3.0));
  EXPECT_EQ(l.recent().back().end, -1);  // held
  EXPECT_EQ(l.context().held(), 1);
}

TEST(PhraseListener, ItHearsTheKeyOnceItHasEnoughNotes) {
  PhraseListener l(kRate, 10);
  const int g_major[] = {67, 71, 74, 67, 72, 76, 66, 69, 62, 67};
  double t = 0;
  for (const int p : g_major) {
    l.note_on(p, 80, at(t), at(0.8));
    l.note_off(p, at(t + 0.2));
    t += 0.25;
  }
  EXPECT_GE(l.recent().size(), static_cast<std::size_t>(kMinKeyNotes));
  ASSERT_TRUE(l.key());
  EXPECT_EQ(l.key()->tonic, 7);
  EXPECT_EQ(l.key()->kind, music::ScaleKind::kMajor);
}

TEST(ControlSurface, MidiLearnBindsTheNextControllerAndItSweepsTheKnob) {
  JamKnobs knobs(JamSettings{});
  ControlSurface c(knobs);
  EXPECT_NE(c.learn("no-such-knob"), "");
  EXPECT_EQ(c.learn("temperature"), "");
  const ControlResult learned = c.on_control(21, 10, false, knobs.load());
  EXPECT_TRUE(learned.handled);
  EXPECT_NE(learned.line.find("controller 21 now controls temperature"), std::string::npos)
      << learned.line;
  EXPECT_EQ(c.learning(), "");
  c.on_control(21, 127, false, knobs.load());  // the top of the range
  EXPECT_EQ(knob_value(knobs.load(), "temperature"), "4");
}

TEST(ControlSurface, AnActionFiresOncePerPressAndABoundKeyIsPublished) {
  JamSettings s;
  add_binding(s.bindings, {64, "answer-now", false});
  add_binding(s.bindings, {21, "stop-answer", true});
  JamKnobs knobs(s);
  ControlKeys keys;
  ControlSurface c(knobs);
  c.set_control_keys(&keys);
  c.publish_keys(knobs.load());
  EXPECT_TRUE(keys.has(21));
  EXPECT_FALSE(keys.has(64));
  EXPECT_EQ(c.on_control(64, 127, false, s).action, ControlAction::kAnswerNow);
  EXPECT_EQ(c.on_control(64, 120, false, s).action, ControlAction::kNone);  // still held
  EXPECT_EQ(c.on_control(64, 0, false, s).action, ControlAction::kNone);    // released
  EXPECT_EQ(c.on_control(64, 127, false, s).action, ControlAction::kAnswerNow);
  EXPECT_EQ(c.on_control(21, 90, true, s).action, ControlAction::kStopAnswer);
  EXPECT_FALSE(c.on_control(22, 90, true, s).handled);  // an unbound key is a note
}

TEST(TempoMap, TheMetronomeRulesUntilAClockRunsAndAgainWhenItStops) {
  TempoMap t(kRate);
  JamSettings s;
  s.clock_in = true;
  PlayerBeat metronome;
  metronome.period = kRate * 0.5;
  metronome.bpm = 120;
  metronome.source = "metronome";
  t.set_metronome(metronome, false);
  ASSERT_TRUE(t.beat());
  EXPECT_STREQ(t.beat()->source, "metronome");
  // MIDI clock at 100 bpm: 24 pulses a beat.
  const double pulse = kRate * 0.6 / 24;
  t.on_clock(0xFA, 0);
  for (int i = 0; i < 48; ++i) t.on_clock(0xF8, static_cast<std::int64_t>(i * pulse));
  bool stopped = false;
  const std::string line = t.update_external(static_cast<std::int64_t>(48 * pulse), s, stopped);
  EXPECT_NE(line.find("following MIDI clock in at 100.0 bpm"), std::string::npos) << line;
  t.set_metronome(metronome, true);  // the clock rules over it
  EXPECT_STREQ(t.beat()->source, "clock");
  EXPECT_NEAR(t.beat()->bpm, 100.0, 0.1);
  t.on_clock(0xFC, static_cast<std::int64_t>(49 * pulse));
  const std::string gone = t.update_external(static_cast<std::int64_t>(60 * pulse), s, stopped);
  EXPECT_TRUE(stopped);
  EXPECT_NE(gone.find("stopped"), std::string::npos) << gone;
  EXPECT_FALSE(t.beat());  // until the metronome's beat is given again
  t.set_metronome(metronome, true);
  EXPECT_STREQ(t.beat()->source, "metronome");
}

TEST(TempoMap, EntryOnTheBeatOrBarAndThePlayersTempoFactor) {
  TempoMap t(kRate);
  PlayerBeat b;
  b.period = kRate * 0.5;  // 120 bpm
  b.phase = 0;
  b.bar = 0;
  b.bpm = 120;
  t.set_metronome(b, false);
  JamSettings s;
  s.entry = Entry::kFree;
  EXPECT_EQ(t.entry_frame(at(1.1), s), at(1.1));
  s.entry = Entry::kBeat;
  EXPECT_EQ(t.entry_frame(at(1.1), s), at(1.5));
  s.entry = Entry::kBar;
  s.beats_per_bar = 4;
  EXPECT_EQ(t.entry_frame(at(1.1), s), at(2.0));
  s.answer_tempo = AnswerTempo::kModel;
  EXPECT_EQ(t.tempo_factor(s), 1.0);
  s.answer_tempo = AnswerTempo::kPlayer;
  EXPECT_EQ(t.tempo_factor(s), 1.0);  // 120 bpm is the model's
}

// The events a part queued for the audio thread, in the order queued.
std::vector<SynthEvent> queued(AudioEngine& engine) {
  std::vector<SynthEvent> out;
  SynthEvent e;
  while (engine.model_input().try_pop(e)) out.push_back(e);
  return out;
}

TEST(ClickTrack, ACountInClicksItsBarsThenStops) {
  test::ClickInstrument instrument;
  AudioEngine engine(instrument, kRate);
  ClickTrack clicks(kRate, 256, [&](const SynthEvent& e) { engine.model_input().try_push(e); });
  JamSettings s;
  s.metronome = Metronome::kCountIn;
  s.metronome_bpm = 120;
  s.count_in_bars = 1;
  s.beats_per_bar = 4;
  int ons = 0;
  for (std::int64_t now = 0; now < at(5.0); now += 256) {
    const std::optional<PlayerBeat> beat = clicks.update_metronome(now, s);
    ASSERT_TRUE(beat);
    clicks.queue_clicks(now, s, *beat);
    for (const SynthEvent& e : queued(engine)) {
      if (e.kind == EventKind::kNoteOn) {
        ++ons;
        EXPECT_EQ(e.channel, kClickChannel);
      }
    }
  }
  EXPECT_EQ(ons, 4);  // one bar of four, then silence
}

TEST(Sequencer, AnAnswerFollowsANewTempoKeepingItsPlacesInTheBar) {
  test::ClickInstrument instrument;
  AudioEngine engine(instrument, kRate);
  std::atomic<std::uint64_t> dropped{0};
  Sequencer q(engine, {.sample_rate = kRate, .buffer_frames = 256}, dropped);
  PlayerBeat slow;
  slow.period = kRate * 0.5;  // 120 bpm
  slow.phase = 0;
  slow.bpm = 120;
  q.follow(slow);
  // One note on every beat, from 1 s to 4.5 s.
  std::vector<PlannedNote> notes;
  for (int i = 0; i < 8; ++i) notes.push_back({60 + i, 80, at(1.0 + 0.5 * i), at(1.2 + 0.5 * i)});
  q.queue(notes, 0);
  q.hand_over(at(0.95), 0);  // the first note handed over (within 100 ms)
  PlayerBeat fast = slow;
  fast.period = kRate * 0.25;  // 240 bpm, on the same grid
  fast.bpm = 240;
  const std::optional<double> ratio = q.retime(at(0.95), fast);
  ASSERT_TRUE(ratio);
  EXPECT_DOUBLE_EQ(*ratio, 0.5);
  // The notes not handed over keep their beats, at the new tempo: every beat now half as long.
  const std::vector<PlannedNote>& moved = q.planned_notes();
  EXPECT_EQ(moved[0].start, at(1.0));  // handed over already: where it was
  for (int i = 1; i < 8; ++i) EXPECT_EQ(moved[i].start, at(1.0 + 0.25 * i)) << i;
  EXPECT_EQ(dropped.load(), 0u);
}

TEST(Sequencer, AYieldDropsWhatWasNotHandedOverAndTheRateBoundHolds) {
  test::ClickInstrument instrument;
  AudioEngine engine(instrument, kRate);
  std::atomic<std::uint64_t> dropped{0};
  Sequencer q(engine, {.sample_rate = kRate, .buffer_frames = 256, .max_notes_per_second = 4},
              dropped);
  std::vector<PlannedNote> notes;
  for (int i = 0; i < 10; ++i) notes.push_back({60, 80, at(1.0 + 0.1 * i), at(1.05 + 0.1 * i)});
  EXPECT_EQ(q.bound_rate(notes), 6);  // four in any second
  ASSERT_EQ(notes.size(), 4u);
  q.queue(notes, 0);
  q.hand_over(at(0.95), 0);  // the first note
  queued(engine);
  q.silence(at(1.05), false, 0, 100);
  EXPECT_TRUE(q.silencing());
  EXPECT_EQ(q.answer_end(), at(1.05));
  // The first note's release was not handed over: the channel's silence ends it.
  EXPECT_EQ(q.outbox_size(), 0u);
  q.hand_over(at(2.0), 0);
  for (const SynthEvent& e : queued(engine)) EXPECT_NE(e.kind, EventKind::kNoteOn);
}

}  // namespace
}  // namespace mlstm::rt
