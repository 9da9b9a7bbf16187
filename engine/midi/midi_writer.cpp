#include "midi/midi_writer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "io/atomic_file.hpp"

namespace mlstm {
namespace {

void put_u16(std::vector<char>& b, std::uint32_t v) {
  b.push_back(static_cast<char>((v >> 8) & 0xFF));
  b.push_back(static_cast<char>(v & 0xFF));
}
void put_u32(std::vector<char>& b, std::uint32_t v) {
  put_u16(b, v >> 16);
  put_u16(b, v & 0xFFFF);
}
void put_vlq(std::vector<char>& b, std::uint32_t v) {
  char tmp[4];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>(v & 0x7F);
    v >>= 7;
  } while (v != 0 && n < 4);
  for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<char>(tmp[i] | (i > 0 ? 0x80 : 0)));
}

// One channel or meta event at an absolute tick. `order` breaks ties at the same tick: note-offs
// first, so a note re-struck at the moment another ends is not ended by that note-off.
struct OutEvent {
  std::uint64_t tick;
  int order;
  std::vector<char> bytes;
};

void check_range(int v, int lo, int hi, const char* what) {
  if (v < lo || v > hi) {
    throw std::invalid_argument(std::string(what) + " " + std::to_string(v) + " is outside " +
                                std::to_string(lo) + ".." + std::to_string(hi));
  }
}

void append_track(std::vector<char>& file, std::vector<OutEvent> events, const std::string& name) {
  std::stable_sort(events.begin(), events.end(), [](const OutEvent& a, const OutEvent& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.order < b.order;
  });
  std::vector<char> body;
  if (!name.empty()) {
    body.insert(body.end(), {0, static_cast<char>(0xFF), 0x03});
    put_vlq(body, static_cast<std::uint32_t>(name.size()));
    body.insert(body.end(), name.begin(), name.end());
  }
  std::uint64_t last = 0;
  for (const OutEvent& e : events) {
    const std::uint64_t delta = e.tick - last;
    if (delta > 0x0FFFFFFF)
      throw std::invalid_argument("a gap between events is too long for MIDI");
    put_vlq(body, static_cast<std::uint32_t>(delta));
    body.insert(body.end(), e.bytes.begin(), e.bytes.end());
    last = e.tick;
  }
  body.insert(body.end(), {0, static_cast<char>(0xFF), 0x2F, 0});
  file.insert(file.end(), {'M', 'T', 'r', 'k'});
  put_u32(file, static_cast<std::uint32_t>(body.size()));
  file.insert(file.end(), body.begin(), body.end());
}

}  // namespace

std::vector<char> encode_midi(const std::vector<MidiTrackSpec>& tracks,
                              const MidiWriteOptions& options) {
  if (!(options.bpm > 0.0) || options.bpm > 1000.0) throw std::invalid_argument("bpm out of range");
  check_range(options.ticks_per_quarter, 1, 0x7FFF, "ticks per quarter");
  if (tracks.size() + 1 > 0xFFFF) throw std::invalid_argument("too many tracks");
  const auto us_per_quarter = static_cast<std::uint32_t>(std::lround(60.0e6 / options.bpm));
  const double ticks_per_second = options.ticks_per_quarter * 1.0e6 / us_per_quarter;
  auto to_tick = [&](double seconds, const char* what) {
    if (!std::isfinite(seconds) || seconds < 0.0 || seconds > 1.0e6) {
      throw std::invalid_argument(std::string(what) + " time " + std::to_string(seconds) +
                                  " s is not a valid time");
    }
    return static_cast<std::uint64_t>(std::llround(seconds * ticks_per_second));
  };

  std::vector<char> file = {'M', 'T', 'h', 'd'};
  put_u32(file, 6);
  put_u16(file, 1);
  put_u16(file, static_cast<std::uint32_t>(tracks.size() + 1));
  put_u16(file, static_cast<std::uint32_t>(options.ticks_per_quarter));

  // Track 0: tempo and a 4/4 time signature.
  std::vector<OutEvent> tempo;
  tempo.push_back({0,
                   0,
                   {static_cast<char>(0xFF), 0x51, 0x03, static_cast<char>(us_per_quarter >> 16),
                    static_cast<char>((us_per_quarter >> 8) & 0xFF),
                    static_cast<char>(us_per_quarter & 0xFF)}});
  tempo.push_back({0, 1, {static_cast<char>(0xFF), 0x58, 0x04, 4, 2, 24, 8}});
  append_track(file, std::move(tempo), "tempo");

  for (const MidiTrackSpec& t : tracks) {
    check_range(t.channel, 0, 15, "channel");
    check_range(t.program, 0, 127, "program");
    const char ch = static_cast<char>(t.channel);
    std::vector<OutEvent> ev;
    ev.reserve(t.notes.size() * 2 + t.pedals.size() + 1);
    ev.push_back({0, 0, {static_cast<char>(0xC0 | ch), static_cast<char>(t.program)}});
    for (const Note& n : t.notes) {
      check_range(n.pitch, 0, 127, "pitch");
      check_range(n.velocity, 1, 127, "velocity");
      if (n.end < n.start) throw std::invalid_argument("a note ends before it starts");
      const std::uint64_t on = to_tick(n.start, "note start");
      // A note of zero ticks would have its note-off sorted before its note-on: give it one tick.
      const std::uint64_t off = std::max(on + 1, to_tick(n.end, "note end"));
      ev.push_back({on,
                    2,
                    {static_cast<char>(0x90 | ch), static_cast<char>(n.pitch),
                     static_cast<char>(n.velocity)}});
      ev.push_back({off, 1, {static_cast<char>(0x80 | ch), static_cast<char>(n.pitch), 0}});
    }
    for (const PedalEvent& p : t.pedals) {
      check_range(p.controller, 0, 127, "controller");
      check_range(p.value, 0, 127, "controller value");
      ev.push_back({to_tick(p.time, "pedal"),
                    1,
                    {static_cast<char>(0xB0 | ch), static_cast<char>(p.controller),
                     static_cast<char>(p.value)}});
    }
    append_track(file, std::move(ev), t.name);
  }
  return file;
}

void write_midi_file(const std::filesystem::path& path, const std::vector<MidiTrackSpec>& tracks,
                     const MidiWriteOptions& options) {
  const std::vector<char> bytes = encode_midi(tracks, options);
  write_file_atomically(path, std::string_view(bytes.data(), bytes.size()));
}

}  // namespace mlstm
