// libFuzzer target for the SMF reader: any bytes must give notes or one MidiError, never a crash,
// a hang, a sanitizer report or an unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <span>

#include "midi/midi_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const mlstm::MidiFile f = mlstm::parse_midi(std::span<const std::uint8_t>(data, size), "fuzz");
    // Touch the results so the parse is not optimized away, and check invariants.
    for (const auto& n : f.notes) {
      if (n.end < n.start || n.pitch < 0 || n.pitch > 127 || n.channel > 15) __builtin_trap();
    }
  } catch (const mlstm::MidiError&) {
  }
  return 0;
}
