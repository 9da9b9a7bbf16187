#pragma once
// The recorder: everything heard (the player's notes and the model's) into a 2-track MIDI file,
// at the frames the audio thread applied them. It drains the engine's `played` queue on a thread
// of its own (or on the offline loop's), and saves every few seconds into a temporary file renamed
// over the target, so a crash or a kill loses at most those seconds. stop() saves a last time.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/audio_engine.hpp"
#include "midi/note.hpp"

namespace mlstm::rt {

struct RecorderOptions {
  std::filesystem::path path;
  int sample_rate = 48000;
  double save_every_seconds = 2.0;
  // Channel and program written on each track (the events' own channels are the session's).
  int player_program = 0;
  int model_program = 0;
  // The session frame the recording starts at (one started mid-session begins at its own 0).
  std::int64_t origin_frame = 0;
};

class Recorder {
 public:
  Recorder(AudioEngine::OutputQueue& played, const RecorderOptions& options);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Real time: drains every 10 ms and saves every `save_every_seconds` on its own thread.
  void start();
  // Stops the thread, drains what is left and saves. Returns false when the save failed (the line
  // saying why was printed).
  bool stop();

  // Offline (the caller's thread, with start() not running): take what the audio thread applied.
  void drain();
  // Writes the file now (atomically). False, with one line on stderr, when it cannot.
  bool save();

  // Recorded notes of one voice so far, the ones still held ending at the last frame seen.
  std::vector<Note> notes(Voice voice) const;
  std::uint64_t saves() const { return saves_.load(); }
  const std::filesystem::path& path() const { return options_.path; }

 private:
  struct Held {
    std::int64_t frame;
    int velocity;
  };
  void take(const SynthEvent& e);
  void close_notes(int voice, int channel, std::int64_t frame);
  std::vector<Note> notes_locked(Voice voice) const;

  AudioEngine::OutputQueue& played_;
  RecorderOptions options_;
  mutable std::mutex mutex_;  // the drain and save threads against notes() callers; never audio
  std::vector<Note> finished_[2];
  std::vector<PedalEvent> pedals_[2];
  std::vector<Held> held_[2][16][128];
  std::int64_t last_frame_ = 0;
  int programs_[2];
  bool save_failed_ = false;
  std::atomic<std::uint64_t> saves_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mlstm::rt
