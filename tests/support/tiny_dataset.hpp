#pragma once
// A MAESTRO-shaped dataset of a few generated performances: a CSV in the official layout (with
// quoted fields holding commas) and small MIDI files in year folders.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "midi/midi_writer.hpp"

namespace mlstm::test {

struct TinyRow {
  std::string split;
  std::string midi_filename;
};

// Writes `rows` as maestro-v3.0.0.csv and one small MIDI file per row (a scale whose first pitch
// depends on the row, so files differ). Returns the CSV's path.
inline std::filesystem::path make_tiny_dataset(const std::filesystem::path& root,
                                               const std::vector<TinyRow>& rows,
                                               bool write_midi = true) {
  std::filesystem::create_directories(root);
  std::ofstream csv(root / "maestro-v3.0.0.csv");
  csv << "canonical_composer,canonical_title,split,year,midi_filename,audio_filename,duration\n";
  int i = 0;
  for (const auto& r : rows) {
    csv << "\"Bach, Johann Sebastian\",\"Prelude \"\"No. " << i << "\"\", in C\"," << r.split
        << ",2004," << r.midi_filename << ",x.wav,12.5\n";
    if (write_midi) {
      std::vector<Note> notes;
      for (int k = 0; k < 16; ++k) {
        notes.push_back({40 + i + k, 60 + k, k * 0.25, k * 0.25 + 0.2, 0, 0});
      }
      std::filesystem::create_directories((root / r.midi_filename).parent_path());
      write_midi_file(root / r.midi_filename, {{"piano", 0, 0, notes, {}}});
    }
    ++i;
  }
  return root / "maestro-v3.0.0.csv";
}

inline std::vector<TinyRow> tiny_rows() {
  return {{"train", "2004/a.midi"},
          {"train", "2004/b.midi"},
          {"train", "2006/c.midi"},
          {"validation", "2006/d.midi"},
          {"test", "2008/e.midi"}};
}

}  // namespace mlstm::test
