// The recorder: both voices on their own tracks at the frames they sounded, held notes kept,
// periodic atomic saves, and a file that survives a kill mid-recording.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "midi/midi_file.hpp"
#include "record/recorder.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace mlstm::rt {
namespace {

class RecorderTest : public ::testing::Test {
 protected:
  AudioEngine::OutputQueue played_;
  test::TempDir dir_;
};

TEST_F(RecorderTest, TwoTracksAtTheFramesTheySounded) {
  Recorder recorder(played_, {.path = dir_ / "r.mid", .sample_rate = 48000, .model_program = 5});
  played_.try_push(note_on(4800, Voice::kPlayer, 0, 60, 100));
  played_.try_push(note_on(9600, Voice::kModel, 1, 67, 70));
  played_.try_push(note_off(14400, Voice::kPlayer, 0, 60));
  played_.try_push(control(15000, Voice::kPlayer, 0, 64, 127));
  played_.try_push(note_off(19200, Voice::kModel, 1, 67));
  recorder.drain();
  ASSERT_TRUE(recorder.save());
  const MidiFile file = read_midi_file(dir_ / "r.mid");
  ASSERT_EQ(file.notes.size(), 2u);
  EXPECT_EQ(file.tracks.size(), 3u);  // tempo, player, model
  EXPECT_EQ(file.tracks[1].name, "player");
  EXPECT_EQ(file.tracks[2].name, "model");
  EXPECT_NEAR(file.notes[0].start, 0.1, 0.0003);
  EXPECT_NEAR(file.notes[0].end, 0.3, 0.0003);
  EXPECT_EQ(file.notes[0].track, 1);
  EXPECT_NEAR(file.notes[1].start, 0.2, 0.0003);
  EXPECT_EQ(file.notes[1].channel, 1);
  EXPECT_EQ(file.notes[1].track, 2);
  ASSERT_EQ(file.pedals.size(), 1u);
}

// The three piano pedals are the performance as played and are kept; other controllers (here
// volume, CC7) are not. The reader keeps only the sustain pedal, so the file's bytes are searched.
TEST_F(RecorderTest, KeepsThePianoPedalsAndNoOtherController) {
  Recorder recorder(played_, {.path = dir_ / "r.mid", .sample_rate = 48000, .model_program = 0});
  played_.try_push(note_on(4800, Voice::kPlayer, 0, 60, 100));
  played_.try_push(control(5000, Voice::kPlayer, 0, kSustainPedal, 127));
  played_.try_push(control(5100, Voice::kPlayer, 0, kSostenutoPedal, 126));
  played_.try_push(control(5200, Voice::kPlayer, 0, kSoftPedal, 125));
  played_.try_push(control(5300, Voice::kPlayer, 0, 7, 124));
  played_.try_push(note_off(9600, Voice::kPlayer, 0, 60));
  recorder.drain();
  ASSERT_TRUE(recorder.save());
  const std::string bytes = test::read_file(dir_ / "r.mid");
  auto has = [&](int controller, int value) {
    const char event[] = {static_cast<char>(0xB0), static_cast<char>(controller),
                          static_cast<char>(value)};
    return bytes.find(std::string(event, 3)) != std::string::npos;
  };
  EXPECT_TRUE(has(kSustainPedal, 127));
  EXPECT_TRUE(has(kSostenutoPedal, 126));
  EXPECT_TRUE(has(kSoftPedal, 125));
  EXPECT_FALSE(has(7, 124));
}

TEST_F(RecorderTest, AReStruckKeyEndsItsFirstNoteFirst) {
  Recorder recorder(played_, {.path = dir_ / "r.mid"});
  played_.try_push(note_on(0, Voice::kPlayer, 0, 60, 100));
  played_.try_push(note_on(4800, Voice::kPlayer, 0, 60, 50));
  played_.try_push(note_off(9600, Voice::kPlayer, 0, 60));
  played_.try_push(note_off(14400, Voice::kPlayer, 0, 60));
  recorder.drain();
  const auto notes = recorder.notes(Voice::kPlayer);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].velocity, 100);
  EXPECT_NEAR(notes[0].end, 0.2, 1e-9);
  EXPECT_EQ(notes[1].velocity, 50);
  EXPECT_NEAR(notes[1].end, 0.3, 1e-9);
}

TEST_F(RecorderTest, HeldNotesAreSavedUpToTheLastFrameAndSilenceEndsThem) {
  Recorder recorder(played_, {.path = dir_ / "r.mid"});
  played_.try_push(note_on(0, Voice::kModel, 1, 60, 100));
  played_.try_push(note_on(100, Voice::kPlayer, 0, 62, 100));
  played_.try_push(note_on(48000, Voice::kPlayer, 0, 64, 100));
  recorder.drain();
  EXPECT_NEAR(recorder.notes(Voice::kModel).at(0).end, 1.0, 1e-9);  // still held
  played_.try_push({72000, EventKind::kChannelSilence, Voice::kModel, 1});
  played_.try_push({96000, EventKind::kPanic, Voice::kPlayer, 0});
  recorder.drain();
  EXPECT_NEAR(recorder.notes(Voice::kModel).at(0).end, 1.5, 1e-9);
  EXPECT_NEAR(recorder.notes(Voice::kPlayer).at(1).end, 2.0, 1e-9);
}

TEST_F(RecorderTest, AnUnwritableFileIsOneLineAndTheNotesStay) {
  Recorder recorder(played_, {.path = dir_ / "no-such-folder" / "r.mid"});
  played_.try_push(note_on(0, Voice::kPlayer, 0, 60, 100));
  recorder.drain();
  testing::internal::CaptureStderr();
  EXPECT_FALSE(recorder.save());
  EXPECT_FALSE(recorder.save());
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("cannot save the recording"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "said once: " << err;
  EXPECT_EQ(recorder.notes(Voice::kPlayer).size(), 1u);
}

TEST_F(RecorderTest, KillingTheProcessMidRecordingLeavesAReadableFile) {
  const auto path = dir_ / "killed.mid";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child records a note every 10 ms, saving every 100 ms, until it is killed.
    Recorder recorder(played_, {.path = path, .save_every_seconds = 0.1});
    recorder.start();
    for (std::int64_t i = 0;; ++i) {
      played_.try_push(note_on(i * 480, Voice::kPlayer, 0, 40 + static_cast<int>(i % 40), 90));
      played_.try_push(note_off(i * 480 + 240, Voice::kPlayer, 0, 40 + static_cast<int>(i % 40)));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  // Kill at a moment unrelated to the saves, several times over the run.
  std::this_thread::sleep_for(std::chrono::milliseconds(1234));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  const MidiFile file = read_midi_file(path);  // throws if torn
  EXPECT_GT(file.notes.size(), 50u) << "at most the last 0.1 s of about 120 notes is lost";
}

}  // namespace
}  // namespace mlstm::rt
