#include "record/recorder.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "midi/midi_writer.hpp"

namespace mlstm::rt {

Recorder::Recorder(AudioEngine::OutputQueue& played, const RecorderOptions& options)
    : played_(played),
      options_(options),
      programs_{options.player_program, options.model_program} {}

Recorder::~Recorder() {
  if (thread_.joinable()) stop();
}

void Recorder::start() {
  stop_ = false;
  thread_ = std::thread([this] {
    using Clock = std::chrono::steady_clock;
    auto next_save = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(options_.save_every_seconds));
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      drain();
      if (Clock::now() >= next_save) {
        save();
        next_save = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(options_.save_every_seconds));
      }
    }
  });
}

bool Recorder::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  drain();
  return save();
}

void Recorder::drain() {
  std::lock_guard lock(mutex_);
  SynthEvent e;
  while (played_.try_pop(e)) take(e);
}

void Recorder::close_notes(int voice, int channel, std::int64_t frame) {
  const double rate = options_.sample_rate;
  for (int key = 0; key < 128; ++key) {
    for (const Held& h : held_[voice][channel][key]) {
      finished_[voice].push_back({key, h.velocity, h.frame / rate, frame / rate, channel, voice});
    }
    held_[voice][channel][key].clear();
  }
}

void Recorder::take(const SynthEvent& played) {
  SynthEvent e = played;
  e.frame = std::max<std::int64_t>(0, e.frame - options_.origin_frame);
  if (e.voice == Voice::kClick) return;  // the metronome is heard, not recorded
  const int voice = static_cast<int>(e.voice) & 1;
  const int ch = e.channel & 0x0F;
  const double rate = options_.sample_rate;
  last_frame_ = std::max(last_frame_, e.frame);
  switch (e.kind) {
    case EventKind::kNoteOn:
      if (e.data2 > 0) {
        held_[voice][ch][e.data1 & 0x7F].push_back({e.frame, e.data2});
        break;
      }
      [[fallthrough]];  // velocity 0 is a note-off
    case EventKind::kNoteOff: {
      auto& held = held_[voice][ch][e.data1 & 0x7F];
      if (held.empty()) break;  // an orphan note-off
      // First in, first out: a re-struck key's first note-off ends the first note.
      finished_[voice].push_back({e.data1 & 0x7F, held.front().velocity, held.front().frame / rate,
                                  e.frame / rate, ch, voice});
      held.erase(held.begin());
      break;
    }
    case EventKind::kControl:
      if (is_piano_pedal(e.data1)) {
        pedals_[voice].push_back({e.frame / rate, e.data1, e.data2, ch, voice});
      }
      break;
    case EventKind::kProgram:
      programs_[voice] = e.data1 & 0x7F;
      break;
    case EventKind::kChannelSilence:
      close_notes(voice, ch, e.frame);
      break;
    case EventKind::kPanic:
      for (int v = 0; v < 2; ++v) {
        for (int c = 0; c < 16; ++c) close_notes(v, c, e.frame);
      }
      break;
    case EventKind::kPitchBend:
    case EventKind::kClock:
      break;
  }
}

std::vector<Note> Recorder::notes_locked(Voice voice) const {
  const int v = static_cast<int>(voice) & 1;
  std::vector<Note> notes = finished_[v];
  const double rate = options_.sample_rate;
  for (int ch = 0; ch < 16; ++ch) {
    for (int key = 0; key < 128; ++key) {
      for (const Held& h : held_[v][ch][key]) {
        notes.push_back(
            {key, h.velocity, h.frame / rate, std::max(h.frame, last_frame_) / rate, ch, v});
      }
    }
  }
  std::sort(notes.begin(), notes.end(), note_order);
  return notes;
}

std::vector<Note> Recorder::notes(Voice voice) const {
  std::lock_guard lock(mutex_);
  return notes_locked(voice);
}

bool Recorder::save() {
  std::vector<MidiTrackSpec> tracks(2);
  {
    std::lock_guard lock(mutex_);
    tracks[0] = {"player", 0, programs_[0], notes_locked(Voice::kPlayer), pedals_[0]};
    tracks[1] = {"model", 1, programs_[1], notes_locked(Voice::kModel), pedals_[1]};
  }
  try {
    write_midi_file(options_.path, tracks);
    saves_.fetch_add(1);
    if (save_failed_) {
      std::fprintf(stderr, "music-lstm: the recording saves again to %s\n", options_.path.c_str());
    }
    save_failed_ = false;
    return true;
  } catch (const std::exception& e) {
    // Said once, not every two seconds; the notes stay in memory for the next try.
    if (!save_failed_) {
      std::fprintf(stderr,
                   "music-lstm: cannot save the recording: %s (the session goes on; it tries "
                   "again every %.0f s)\n",
                   e.what(), options_.save_every_seconds);
    }
    save_failed_ = true;
    return false;
  }
}

}  // namespace mlstm::rt
