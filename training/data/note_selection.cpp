#include "data/note_selection.hpp"

#include <algorithm>
#include <stdexcept>

namespace mlstm {
namespace {

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    std::string name = text.substr(from, comma - from);
    const auto first = name.find_first_not_of(' ');
    const auto last = name.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? std::string()
                                             : name.substr(first, last - first + 1));
    from = comma + 1;
  }
  return out;
}

}  // namespace

void check_note_selection(const NoteSelection& s) {
  if (s.tracks == "auto" || s.tracks == "all") return;
  for (const std::string& name : split_names(s.tracks)) {
    if (name.empty()) {
      throw std::runtime_error("--tracks '" + s.tracks +
                               "': give auto, all, or track names separated by commas");
    }
  }
}

bool is_jam_recording(std::span<const std::string> track_names) {
  const auto has = [&](const char* name) {
    return std::find(track_names.begin(), track_names.end(), name) != track_names.end();
  };
  return has("player") && has("model");
}

std::vector<Note> select_notes(std::span<const Note> notes,
                               std::span<const std::string> track_names, const NoteSelection& s) {
  std::vector<std::string> wanted;
  if (s.tracks == "auto") {
    if (is_jam_recording(track_names)) wanted = {"player"};
  } else if (s.tracks != "all") {
    wanted = split_names(s.tracks);
  }
  const auto track_wanted = [&](int track) {
    if (wanted.empty()) return true;
    if (track < 0 || static_cast<std::size_t>(track) >= track_names.size()) return false;
    const std::string& name = track_names[static_cast<std::size_t>(track)];
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  std::vector<Note> out;
  out.reserve(notes.size());
  for (const Note& n : notes) {
    if (!s.drums && n.channel == kDrumChannel) continue;
    if (track_wanted(n.track)) out.push_back(n);
  }
  return out;
}

std::string describe(const NoteSelection& s) {
  std::string tracks = s.tracks == "auto"  ? "every track (of the jam's recordings, the player's)"
                       : s.tracks == "all" ? "every track"
                                           : "the tracks named " + s.tracks;
  return tracks + (s.drums ? ", the drum channel too" : ", not the drum channel (10)");
}

}  // namespace mlstm
