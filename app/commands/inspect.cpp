// `music-lstm inspect FILE.mid... [--notes | --pedals]`: what MIDI files hold, as we read them.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "commands/commands.hpp"
#include "midi/midi_file.hpp"

namespace mlstm::app {
namespace {

std::string note_name(int pitch) {
  static const char* kNames[] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
  return std::string(kNames[pitch % 12]) + std::to_string(pitch / 12 - 1);
}

std::string clock_time(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// One note a line; with `file` (several files in one run), the file's index first.
void print_notes_csv(const MidiFile& f, int file) {
  for (const Note& n : f.notes) {
    if (file >= 0) std::printf("%d,", file);
    std::printf("%d,%d,%.6f,%.6f,%d,%d\n", n.pitch, n.velocity, n.start, n.end, n.channel, n.track);
  }
}

// One sustain-pedal change a line, as print_notes_csv.
void print_pedals_csv(const MidiFile& f, int file) {
  for (const PedalEvent& p : f.pedals) {
    if (file >= 0) std::printf("%d,", file);
    std::printf("%.6f,%d,%d,%d\n", p.time, p.value, p.channel, p.track);
  }
}

void print_summary(const std::string& path, const MidiFile& f) {
  std::printf("file:      %s\n", path.c_str());
  if (f.ticks_per_quarter > 0) {
    std::printf("format:    %d, %zu track%s, %d ticks per quarter note\n", f.format,
                f.tracks.size(), f.tracks.size() == 1 ? "" : "s", f.ticks_per_quarter);
  } else {
    std::printf("format:    %d, %zu track%s, SMPTE time (%.6f s per tick)\n", f.format,
                f.tracks.size(), f.tracks.size() == 1 ? "" : "s", f.smpte_seconds_per_tick);
  }
  std::printf("duration:  %.3f s (%s)\n", f.duration, clock_time(f.duration).c_str());
  if (f.notes.empty()) {
    std::printf("notes:     0\n");
  } else {
    const auto [lo, hi] =
        std::minmax_element(f.notes.begin(), f.notes.end(),
                            [](const Note& a, const Note& b) { return a.pitch < b.pitch; });
    const auto [vlo, vhi] =
        std::minmax_element(f.notes.begin(), f.notes.end(),
                            [](const Note& a, const Note& b) { return a.velocity < b.velocity; });
    std::printf("notes:     %zu, pitch %d (%s) to %d (%s), velocity %d to %d\n", f.notes.size(),
                lo->pitch, note_name(lo->pitch).c_str(), hi->pitch, note_name(hi->pitch).c_str(),
                vlo->velocity, vhi->velocity);
  }
  std::printf("pedal:     %zu sustain-pedal events\n", f.pedals.size());
  if (f.unterminated_notes || f.orphan_note_offs) {
    std::printf("repairs:   %zu notes without a note-off (ended at the end), %zu stray note-offs\n",
                f.unterminated_notes, f.orphan_note_offs);
  }
  if (f.ticks_per_quarter > 0) {
    std::printf("tempi:     %zu\n", f.tempo_map.size());
    constexpr std::size_t kShown = 8;
    for (std::size_t i = 0; i < f.tempo_map.size() && i < kShown; ++i) {
      std::printf("  %8.3f s  %.2f bpm\n", f.tempo_map[i].seconds, f.tempo_map[i].bpm());
    }
    if (f.tempo_map.size() > kShown)
      std::printf("  ... and %zu more\n", f.tempo_map.size() - kShown);
  }
  std::printf("tracks:\n");
  for (std::size_t i = 0; i < f.tracks.size(); ++i) {
    const auto& t = f.tracks[i];
    std::printf("  %2zu  %-24s %7zu notes  %7zu events\n", i,
                t.name.empty() ? "(unnamed)" : ("\"" + t.name + "\"").c_str(), t.notes, t.events);
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Summarize MIDI files, or list their notes as CSV");
  auto files = std::make_shared<std::vector<std::string>>();
  auto notes = std::make_shared<bool>(false);
  auto pedals = std::make_shared<bool>(false);
  cmd->add_option("files", *files, "Standard MIDI Files (format 0 or 1)")->required();
  auto* notes_flag =
      cmd->add_flag("--notes", *notes,
                    "Print one note a line as CSV: pitch,velocity,start,end,channel,track "
                    "(seconds, sorted by start then pitch); for several files, each line starts "
                    "with the file's index (0 for the first)");
  cmd->add_flag("--pedals", *pedals,
                "Print one sustain-pedal (CC64) change a line as CSV: time,value,channel,track "
                "(seconds, sorted by time; 64 or more is down); for several files, each line "
                "starts with the file's index")
      ->excludes(notes_flag);
  cmd->footer(
      "Examples:\n"
      "  music-lstm inspect performance.midi --notes > notes.csv\n"
      "  music-lstm inspect a.mid b.mid --notes   # one run for many files (a script's way)\n"
      "  music-lstm inspect performance.midi --pedals > pedal.csv");
  cmd->callback([files, notes, pedals] {
    // Every file is read before anything is printed: a bad one is one line, not half a table.
    std::vector<MidiFile> read;
    for (const std::string& f : *files) read.push_back(read_midi_file(f));
    const bool several = files->size() > 1;
    if (*notes) {
      std::printf("%spitch,velocity,start,end,channel,track\n", several ? "file," : "");
    } else if (*pedals) {
      std::printf("%stime,value,channel,track\n", several ? "file," : "");
    }
    for (std::size_t i = 0; i < read.size(); ++i) {
      if (*notes) {
        print_notes_csv(read[i], several ? static_cast<int>(i) : -1);
      } else if (*pedals) {
        print_pedals_csv(read[i], several ? static_cast<int>(i) : -1);
      } else {
        if (i > 0) std::printf("\n");
        print_summary((*files)[i], read[i]);
      }
    }
  });
}

}  // namespace mlstm::app
