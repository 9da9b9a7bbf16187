#pragma once
// The MAESTRO dataset as a list of performances with their official train/validation/test split,
// read from the dataset's CSV (maestro-v3.0.0.csv).

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlstm {

enum class Split { kTrain, kValidation, kTest };
inline constexpr std::array<Split, 3> kAllSplits = {Split::kTrain, Split::kValidation,
                                                    Split::kTest};
const char* split_name(Split s);
std::optional<Split> parse_split(const std::string& name);

struct Performance {
  std::string composer;
  std::string title;
  Split split = Split::kTrain;
  int year = 0;
  std::string midi_filename;  // relative to the dataset root, e.g. "2004/MIDI-....midi"
  double duration = 0.0;      // seconds, as the CSV gives it
};

struct MaestroIndex {
  std::filesystem::path root;  // folder holding the CSV and the year folders
  std::filesystem::path csv;
  std::vector<Performance> performances;

  std::size_t count(Split s) const;
  std::vector<const Performance*> of_split(Split s) const;
  std::filesystem::path midi_path(const Performance& p) const { return root / p.midi_filename; }
};

// The CSV in `root`: maestro-v3.0.0.csv, else the one maestro-v*.csv there. Throws with a message
// naming `music-lstm get-data` when there is none.
std::filesystem::path find_maestro_csv(const std::filesystem::path& root);

// Reads the CSV. Throws std::runtime_error naming the file and line for a malformed row, an
// unknown split, or a path that leaves the dataset folder.
MaestroIndex load_maestro_index(const std::filesystem::path& root);

// Performances whose MIDI file is not there.
std::vector<const Performance*> missing_files(const MaestroIndex& index);

// The index as JSON (the CSV's fields plus the split counts), written atomically.
void write_index_json(const MaestroIndex& index, const std::filesystem::path& path);

}  // namespace mlstm
