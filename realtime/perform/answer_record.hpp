#pragma once
// What the performer's parts share: the performer's options, one answer as it was asked for and
// played, and the counts other threads read.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "perform/inference_worker.hpp"
#include "perform/player_beat.hpp"

namespace mlstm::rt {

// Twice the real music's busiest second would be about 62 notes (MAESTRO's 10 s windows reach 62
// events a second, note-ons and note-offs together, i.e. 31 notes); 48 leaves a virtuoso passage
// its notes and stops a runaway long before it floods anything.
inline constexpr int kMaxModelNotesPerSecond = 48;

struct PerformerOptions {
  int sample_rate = 48000;
  int model_channel = 1;
  int model_volume = 100;  // CC7 of the model's voice, restored after a fade
  int context_notes = 10;  // what the model reads
  // The model learnt durations as heard under the sustain pedal: the player's notes are read so
  // too (CC64 at 64 or more holds released notes; a controller bound by MIDI learn is not a pedal).
  bool sustain_pedal = false;
  int buffer_frames = 256;  // an answer starting within the gap plus this is on time
  // The most notes the model's voice starts in any one second. The decoder's own limits (a
  // cluster of 8 plus 34 notes a second) stay under it; this is the performer's own guard, so that
  // no model, knob or bug can flood the synthesizer.
  int max_notes_per_second = kMaxModelNotesPerSecond;
  std::size_t history = 256;  // answers kept for the panel and the log
};

// One answer, as it was asked for and played.
struct AnswerRecord {
  std::uint64_t index = 0;         // 1, 2, ... in the order they started
  bool chained = false;            // continuous mode: from the model's own notes
  std::int64_t phrase_end = -1;    // the player's last note-off (-1 when chained)
  std::int64_t gap_end = -1;       // phrase_end + the gap: when the answer was due
  std::int64_t start = -1;         // the frame of its first note
  bool ready_in_time = false;      // computed before it was due (speculation paid off)
  bool late = false;               // started after gap_end plus one buffer
  std::int64_t requested = -1;     // chained: the frame the part was asked for
  int dropped_notes = 0;           // left out by the bound on the model's notes a second
  double time_scale = 1.0;         // the answer's times were multiplied by this (the tempo knobs)
  std::optional<PlayerBeat> beat;  // the player's beat as the jam heard it then
  std::string grid;                // the grid its onsets were drawn to (groove), or empty
  Answer answer;                   // context, settings, notes, inference time
  int mode_program = 0;
};

// Counts other threads may read (the panel, the final report).
struct PerformerCounters {
  std::atomic<std::uint64_t> answers{0}, late{0}, failed{0}, yields{0}, ready_in_time{0};
  std::atomic<std::uint64_t> requests{0}, dropped_events{0};
  // Continuous mode stopped at an answer it could not go on from; notes the rate bound left out.
  std::atomic<std::uint64_t> unchained{0}, rate_limited_notes{0};
  std::atomic<double> last_inference_ms{0};
};

}  // namespace mlstm::rt
