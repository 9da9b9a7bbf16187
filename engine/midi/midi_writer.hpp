#pragma once
// Writing Standard MIDI Files, format 1: a tempo track, then one named track per part, each with
// its own channel and General MIDI program.

#include <filesystem>
#include <string>
#include <vector>

#include "midi/note.hpp"

namespace mlstm {

struct MidiTrackSpec {
  std::string name;
  int channel = 0;  // 0..15; the notes' own channel fields are ignored
  int program = 0;  // General MIDI program 0..127
  std::vector<Note> notes;
  std::vector<PedalEvent> pedals;
};

struct MidiWriteOptions {
  double bpm = 120.0;
  // 960 ticks per quarter at 120 bpm is 0.52 ms a tick: times round to within 0.26 ms.
  int ticks_per_quarter = 960;
};

// The bytes of the file. Throws std::invalid_argument for out-of-range fields (pitch, channel...).
std::vector<char> encode_midi(const std::vector<MidiTrackSpec>& tracks,
                              const MidiWriteOptions& options = {});

// Encodes and writes atomically. Throws std::runtime_error / std::invalid_argument, one line.
void write_midi_file(const std::filesystem::path& path, const std::vector<MidiTrackSpec>& tracks,
                     const MidiWriteOptions& options = {});

}  // namespace mlstm
