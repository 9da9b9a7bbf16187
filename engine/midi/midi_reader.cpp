// Standard MIDI File reader. See midi_file.hpp for why it is ours.
#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include "midi/midi_file.hpp"

namespace mlstm {

MidiError::MidiError(const std::string& file, std::int64_t offset, const std::string& problem)
    : std::runtime_error(offset >= 0 ? file + ": at byte " + std::to_string(offset) + ": " + problem
                                     : file + ": " + problem),
      file_(file),
      offset_(offset) {}

namespace {

// Bounds-checked big-endian reader over the file's bytes; every read names what it expected.
class ByteReader {
 public:
  ByteReader(std::span<const std::uint8_t> bytes, const std::string& name)
      : bytes_(bytes), name_(name) {}

  std::size_t pos() const { return pos_; }
  std::size_t size() const { return bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  void seek(std::size_t pos) { pos_ = pos; }
  // Whether reads are inside a track chunk, for the wording of "unexpected end of ...".
  void set_in_track(bool in_track) { in_track_ = in_track; }

  [[noreturn]] void fail(std::size_t offset, const std::string& problem) const {
    throw MidiError(name_, static_cast<std::int64_t>(offset), problem);
  }

  void need(std::size_t n, std::size_t limit, const char* what) const {
    if (pos_ > limit || limit - pos_ < n) {
      fail(pos_, std::string("unexpected end of ") + (in_track_ ? "track" : "file") +
                     " while reading " + what);
    }
  }

  std::uint8_t u8(std::size_t limit, const char* what) {
    need(1, limit, what);
    return bytes_[pos_++];
  }
  std::uint16_t u16(const char* what) {
    need(2, bytes_.size(), what);
    std::uint16_t v = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32(const char* what) {
    need(4, bytes_.size(), what);
    std::uint32_t v = (std::uint32_t{bytes_[pos_]} << 24) |
                      (std::uint32_t{bytes_[pos_ + 1]} << 16) |
                      (std::uint32_t{bytes_[pos_ + 2]} << 8) | std::uint32_t{bytes_[pos_ + 3]};
    pos_ += 4;
    return v;
  }
  // Variable-length quantity: at most 4 bytes (28 bits), as the SMF specification allows.
  std::uint32_t vlq(std::size_t limit, const char* what) {
    const std::size_t at = pos_;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const std::uint8_t b = u8(limit, what);
      v = (v << 7) | (b & 0x7Fu);
      if ((b & 0x80u) == 0) return v;
    }
    fail(at, std::string("variable-length ") + what + " longer than 4 bytes");
  }
  std::span<const std::uint8_t> take(std::size_t n, std::size_t limit, const char* what) {
    need(n, limit, what);
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  const std::string& name_;
  std::size_t pos_ = 0;
  bool in_track_ = false;
};

std::string hex_byte(std::uint8_t b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return {'0', 'x', kDigits[b >> 4], kDigits[b & 0xF]};
}

enum class EventKind : std::uint8_t { kNoteOn, kNoteOff, kPedal, kTempo };

// An event we keep, before ticks become seconds. Ordered like a merged playback of all tracks:
// by tick, then track, then position in the track (the order mido's merge_tracks gives).
struct TimedEvent {
  std::uint64_t tick;
  std::uint32_t track;
  std::uint32_t seq;
  EventKind kind;
  std::uint8_t channel;
  std::uint8_t data1;  // pitch or controller
  std::uint8_t data2;  // velocity or value
  std::uint32_t tempo;
};

// Track names are free text, usually Latin-1; keep printable ASCII and map the rest to '?', so a
// name can always be printed and written as JSON.
std::string printable_name(std::span<const std::uint8_t> text) {
  std::string s;
  s.reserve(text.size());
  for (std::uint8_t c : text) s.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
  return s;
}

// Parses one MTrk chunk's events from r.pos() up to `end`. Returns the tick of its last event.
std::uint64_t parse_track(ByteReader& r, std::size_t end, std::uint32_t track_index,
                          MidiTrackInfo& info, std::vector<TimedEvent>& out) {
  std::uint64_t tick = 0;
  std::uint32_t seq = 0;
  int running_status = -1;
  while (r.pos() < end) {
    tick += r.vlq(end, "delta time");
    const std::size_t status_at = r.pos();
    std::uint8_t status = r.u8(end, "event status");
    std::uint8_t first_data = 0;
    bool have_first = false;
    if (status < 0x80) {
      // Running status: the byte is the first data byte of a repeat of the last channel status.
      if (running_status < 0) {
        r.fail(status_at, "data byte " + hex_byte(status) + " where an event status belongs");
      }
      first_data = status;
      have_first = true;
      status = static_cast<std::uint8_t>(running_status);
    }
    ++info.events;
    if (status == 0xFF) {
      // Meta event. Like mido (and most players), it leaves running status as it was.
      const std::uint8_t type = r.u8(end, "meta event type");
      const std::uint32_t len = r.vlq(end, "meta event length");
      const std::size_t data_at = r.pos();
      auto data = r.take(len, end, "meta event data");
      if (type == 0x2F) return tick;  // end of track: whatever follows in the chunk is ignored
      if (type == 0x51) {
        if (len != 3)
          r.fail(data_at, "tempo event with " + std::to_string(len) + " bytes, expected 3");
        const std::uint32_t us =
            (std::uint32_t{data[0]} << 16) | (std::uint32_t{data[1]} << 8) | data[2];
        if (us == 0) r.fail(data_at, "tempo of 0 microseconds per quarter note");
        out.push_back({tick, track_index, seq++, EventKind::kTempo, 0, 0, 0, us});
      } else if (type == 0x03 && info.name.empty()) {
        info.name = printable_name(data);
      }
      continue;
    }
    if (status == 0xF0 || status == 0xF7) {
      // Sysex, or an escape: a length and that many bytes. Cancels running status.
      const std::uint32_t len = r.vlq(end, "sysex length");
      r.take(len, end, "sysex data");
      running_status = -1;
      continue;
    }
    if (status >= 0xF1) {
      r.fail(status_at, "status byte " + hex_byte(status) + " is not allowed in a MIDI file");
    }
    running_status = status;
    const std::uint8_t type = status & 0xF0;
    const std::uint8_t channel = status & 0x0F;
    const int n_data = (type == 0xC0 || type == 0xD0) ? 1 : 2;
    std::array<std::uint8_t, 2> d{0, 0};
    for (int i = 0; i < n_data; ++i) {
      if (i == 0 && have_first) {
        d[0] = first_data;
        continue;
      }
      const std::size_t at = r.pos();
      d[static_cast<std::size_t>(i)] = r.u8(end, "channel event data");
      if (d[static_cast<std::size_t>(i)] >= 0x80) {
        r.fail(at, "byte " + hex_byte(d[static_cast<std::size_t>(i)]) +
                       " where a data byte (below 0x80) of a " + hex_byte(status) +
                       " event belongs");
      }
    }
    if (type == 0x90 && d[1] > 0) {
      out.push_back({tick, track_index, seq++, EventKind::kNoteOn, channel, d[0], d[1], 0});
      ++info.notes;
    } else if (type == 0x80 || type == 0x90) {
      out.push_back({tick, track_index, seq++, EventKind::kNoteOff, channel, d[0], 0, 0});
    } else if (type == 0xB0 && d[0] == kSustainPedal) {
      out.push_back({tick, track_index, seq++, EventKind::kPedal, channel, d[0], d[1], 0});
    }
  }
  return tick;
}

// Converts ticks to seconds through the tempo map (or the SMPTE rate).
class TickClock {
 public:
  TickClock(const MidiFile& f) : f_(f) {}
  double seconds(std::uint64_t tick) const {
    if (f_.ticks_per_quarter == 0) return static_cast<double>(tick) * f_.smpte_seconds_per_tick;
    // The tempo map is short (usually 1 entry); find the last change at or before `tick`.
    auto it = std::upper_bound(f_.tempo_map.begin(), f_.tempo_map.end(), tick,
                               [](std::uint64_t t, const TempoChange& c) { return t < c.tick; });
    const TempoChange& c = *std::prev(it);
    return c.seconds + static_cast<double>(tick - c.tick) * c.microseconds_per_quarter * 1e-6 /
                           f_.ticks_per_quarter;
  }

 private:
  const MidiFile& f_;
};

}  // namespace

MidiFile parse_midi(std::span<const std::uint8_t> bytes, const std::string& name) {
  ByteReader r(bytes, name);
  MidiFile f;
  if (bytes.empty()) r.fail(0, "empty file, not a MIDI file");
  if (bytes.size() < 4 || std::memcmp(bytes.data(), "MThd", 4) != 0) {
    r.fail(0, "not a MIDI file (no 'MThd' header)");
  }
  r.seek(4);
  const std::uint32_t header_len = r.u32("header length");
  if (header_len < 6) r.fail(4, "header length " + std::to_string(header_len) + " is below 6");
  if (header_len > r.remaining()) {
    r.fail(4, "header length " + std::to_string(header_len) + " runs past the end of the file");
  }
  const std::size_t header_end = r.pos() + header_len;
  f.format = r.u16("format");
  const std::uint16_t declared_tracks = r.u16("track count");
  const std::uint16_t division = r.u16("time division");
  if (f.format > 1) {
    r.fail(8, f.format == 2 ? "format 2 (independent sequences) is not supported"
                            : "unknown format " + std::to_string(f.format));
  }
  if (division & 0x8000u) {
    // SMPTE: frames per second (negative, two's complement) and ticks per frame.
    const int fps = -static_cast<int>(static_cast<std::int8_t>(division >> 8));
    const int tpf = division & 0xFF;
    if ((fps != 24 && fps != 25 && fps != 29 && fps != 30) || tpf == 0) {
      r.fail(12, "invalid SMPTE time division");
    }
    f.ticks_per_quarter = 0;
    f.smpte_seconds_per_tick = 1.0 / ((fps == 29 ? 29.97 : fps) * tpf);
  } else {
    if (division == 0) r.fail(12, "time division of 0 ticks per quarter note");
    f.ticks_per_quarter = division;
  }
  r.seek(header_end);
  (void)declared_tracks;  // like mido, we read the MTrk chunks that are there

  std::vector<TimedEvent> events;
  std::uint64_t last_tick = 0;
  // Chunks: MTrk are tracks; any other chunk is skipped, as the specification asks.
  // Fewer than 8 bytes left cannot hold a chunk header: trailing padding, ignored like mido does.
  while (r.remaining() >= 8) {
    const std::size_t chunk_at = r.pos();
    auto id = r.take(4, r.size(), "chunk id");
    const std::uint32_t len = r.u32("chunk length");
    const bool is_track = std::memcmp(id.data(), "MTrk", 4) == 0;
    if (len > r.remaining()) {
      r.fail(chunk_at, std::string(is_track ? "track" : "chunk") + " declares " +
                           std::to_string(len) + " bytes but only " +
                           std::to_string(r.remaining()) + " remain (truncated file?)");
    }
    const std::size_t end = r.pos() + len;
    if (is_track) {
      const auto index = static_cast<std::uint32_t>(f.tracks.size());
      f.tracks.emplace_back();
      r.set_in_track(true);
      last_tick = std::max(last_tick, parse_track(r, end, index, f.tracks.back(), events));
      r.set_in_track(false);
    }
    r.seek(end);
  }
  if (f.tracks.empty()) r.fail(r.pos(), "no track ('MTrk') chunk");

  // Merge the tracks: by tick, ties in track order, then in file order.
  std::stable_sort(events.begin(), events.end(),
                   [](const TimedEvent& a, const TimedEvent& b) { return a.tick < b.tick; });

  // Tempo map: tempo events of any track apply to all (as mido and players do); at one tick the
  // last one wins.
  f.tempo_map.push_back({0, 0.0, 500000});
  if (f.ticks_per_quarter > 0) {
    for (const TimedEvent& e : events) {
      if (e.kind != EventKind::kTempo) continue;
      TempoChange& prev = f.tempo_map.back();
      if (e.tick == prev.tick) {
        prev.microseconds_per_quarter = e.tempo;
        continue;
      }
      const double s = prev.seconds + static_cast<double>(e.tick - prev.tick) *
                                          prev.microseconds_per_quarter * 1e-6 /
                                          f.ticks_per_quarter;
      f.tempo_map.push_back({e.tick, s, e.tempo});
    }
  }
  const TickClock clock(f);
  f.duration = clock.seconds(last_tick);

  // Pair note-ons and note-offs first in, first out per (channel, pitch): a note-off ends the
  // earliest still-sounding note of that pitch on that channel.
  // One queue of indices into f.notes per key; a vector and a head index rather than 2048
  // std::deques, which would each allocate even when empty.
  std::vector<std::vector<std::size_t>> sounding(16 * 128);
  std::vector<std::size_t> head(16 * 128, 0);
  for (const TimedEvent& e : events) {
    const std::size_t key = std::size_t{e.channel} * 128 + e.data1;
    switch (e.kind) {
      case EventKind::kNoteOn: {
        const double t = clock.seconds(e.tick);
        sounding[key].push_back(f.notes.size());
        f.notes.push_back({e.data1, e.data2, t, t, e.channel, static_cast<int>(e.track)});
        break;
      }
      case EventKind::kNoteOff:
        if (head[key] == sounding[key].size()) {
          ++f.orphan_note_offs;
        } else {
          f.notes[sounding[key][head[key]++]].end = clock.seconds(e.tick);
          if (head[key] == sounding[key].size()) {
            sounding[key].clear();
            head[key] = 0;
          }
        }
        break;
      case EventKind::kPedal:
        f.pedals.push_back(
            {clock.seconds(e.tick), e.data1, e.data2, e.channel, static_cast<int>(e.track)});
        break;
      case EventKind::kTempo:
        break;
    }
  }
  for (std::size_t key = 0; key < sounding.size(); ++key) {
    for (std::size_t i = head[key]; i < sounding[key].size(); ++i) {
      f.notes[sounding[key][i]].end = f.duration;
      ++f.unterminated_notes;
    }
  }
  std::stable_sort(f.notes.begin(), f.notes.end(), note_order);
  return f;
}

MidiFile read_midi_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw MidiError(name, -1, "no such file");
  if (!std::filesystem::is_regular_file(status)) throw MidiError(name, -1, "not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw MidiError(name, -1, "cannot read its size: " + ec.message());
  if (size > kMaxMidiFileBytes) {
    throw MidiError(name, -1,
                    "file of " + std::to_string(size) + " bytes is larger than the " +
                        std::to_string(kMaxMidiFileBytes >> 20) +
                        " MiB any MIDI performance needs");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MidiError(name, -1, std::string("cannot open: ") + std::strerror(errno));
  std::vector<std::uint8_t> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    throw MidiError(name, -1, "read failed after " + std::to_string(in.gcount()) + " bytes");
  }
  return parse_midi(bytes, name);
}

}  // namespace mlstm
