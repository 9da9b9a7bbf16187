#pragma once
// Reading Standard MIDI Files (format 0 and 1) into notes and pedal events.
//
// Why a parser of our own and not libsmf or portsmf (both in Debian): both are 2010 code that
// has not moved since (libsmf 1.3; portsmf is a 2010 snapshot of Audacity's Allegro reader).
// libsmf reports a malformed file through glib log messages and a NULL result, so a caller cannot
// say where the file is bad; and neither pairs notes the way we need (first in, first out per
// pitch and channel, with a tempo map over all tracks). We need one clear error with the byte
// offset for every malformed file, and a parser that survives a fuzzer; what we need of SMF is
// small (about 350 lines), so we own it and fuzz it (tests/fuzz/).

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "midi/note.hpp"

namespace mlstm {

// A malformed or unreadable MIDI file. what() is one line: "FILE: at byte N: what is wrong".
class MidiError : public std::runtime_error {
 public:
  MidiError(const std::string& file, std::int64_t offset, const std::string& problem);
  const std::string& file() const { return file_; }
  // Byte offset of the problem in the file, or -1 when it is not about a place (missing file).
  std::int64_t offset() const { return offset_; }

 private:
  std::string file_;
  std::int64_t offset_;
};

struct TempoChange {
  std::uint64_t tick = 0;
  double seconds = 0.0;  // time of `tick`
  std::uint32_t microseconds_per_quarter = 500000;
  double bpm() const { return 60.0e6 / microseconds_per_quarter; }
};

struct MidiTrackInfo {
  std::string name;        // from the first track-name meta event, if any
  std::size_t events = 0;  // channel, meta and sysex events
  std::size_t notes = 0;
};

struct MidiFile {
  int format = 1;
  // Ticks per quarter note, or 0 when the file uses SMPTE time (then see smpte_seconds_per_tick).
  int ticks_per_quarter = 480;
  double smpte_seconds_per_tick = 0.0;
  std::vector<MidiTrackInfo> tracks;
  std::vector<TempoChange> tempo_map;  // always starts at tick 0 (120 bpm if the file sets none)
  std::vector<Note> notes;             // sorted with note_order
  std::vector<PedalEvent> pedals;      // sorted by time
  double duration = 0.0;               // seconds up to the last event of any track
  // Note-ons still sounding when their track ended; they are ended at the end of the file.
  std::size_t unterminated_notes = 0;
  // Note-offs with no sounding note of that pitch and channel; ignored.
  std::size_t orphan_note_offs = 0;
};

// Files larger than this are refused before being read: no MIDI file of a performance comes near.
inline constexpr std::uintmax_t kMaxMidiFileBytes = 64u << 20;

// Parses SMF bytes. `name` is used in error messages. Throws MidiError.
MidiFile parse_midi(std::span<const std::uint8_t> bytes, const std::string& name);

// Reads and parses a file. Throws MidiError (missing, unreadable, too large, malformed).
MidiFile read_midi_file(const std::filesystem::path& path);

}  // namespace mlstm
