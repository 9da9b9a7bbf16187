#pragma once
// Builds Standard MIDI File bytes by hand, event by event, so tests can make exactly the file
// they need, malformed ones included.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace mlstm::test {

class TrackBuilder {
 public:
  TrackBuilder& vlq(std::uint32_t v) {
    std::uint8_t tmp[5];
    int n = 0;
    do {
      tmp[n++] = v & 0x7F;
      v >>= 7;
    } while (v);
    for (int i = n - 1; i >= 0; --i) bytes.push_back(tmp[i] | (i ? 0x80 : 0));
    return *this;
  }
  TrackBuilder& raw(std::initializer_list<int> b) {
    for (int x : b) bytes.push_back(static_cast<std::uint8_t>(x));
    return *this;
  }
  TrackBuilder& on(std::uint32_t delta, int ch, int pitch, int vel) {
    return vlq(delta).raw({0x90 | ch, pitch, vel});
  }
  TrackBuilder& off(std::uint32_t delta, int ch, int pitch) {
    return vlq(delta).raw({0x80 | ch, pitch, 64});
  }
  TrackBuilder& cc(std::uint32_t delta, int ch, int controller, int value) {
    return vlq(delta).raw({0xB0 | ch, controller, value});
  }
  TrackBuilder& tempo(std::uint32_t delta, std::uint32_t us_per_quarter) {
    return vlq(delta).raw({0xFF, 0x51, 0x03, static_cast<int>(us_per_quarter >> 16),
                           static_cast<int>((us_per_quarter >> 8) & 0xFF),
                           static_cast<int>(us_per_quarter & 0xFF)});
  }
  TrackBuilder& meta(std::uint32_t delta, int type, const std::string& data) {
    vlq(delta).raw({0xFF, type});
    vlq(static_cast<std::uint32_t>(data.size()));
    bytes.insert(bytes.end(), data.begin(), data.end());
    return *this;
  }
  TrackBuilder& end(std::uint32_t delta = 0) { return vlq(delta).raw({0xFF, 0x2F, 0x00}); }

  std::vector<std::uint8_t> bytes;
};

inline void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back((v >> s) & 0xFF);
}

inline std::vector<std::uint8_t> header(int format, int ntracks, int division) {
  std::vector<std::uint8_t> b = {'M', 'T', 'h', 'd', 0, 0, 0, 6};
  for (int v : {format, ntracks, division}) {
    b.push_back((v >> 8) & 0xFF);
    b.push_back(v & 0xFF);
  }
  return b;
}

inline void append_chunk(std::vector<std::uint8_t>& file, const char* id,
                         const std::vector<std::uint8_t>& body) {
  file.insert(file.end(), id, id + 4);
  put32(file, static_cast<std::uint32_t>(body.size()));
  file.insert(file.end(), body.begin(), body.end());
}

// A whole file: header, then one MTrk chunk per track.
inline std::vector<std::uint8_t> smf(int format, int division,
                                     const std::vector<TrackBuilder>& tracks) {
  auto file = header(format, static_cast<int>(tracks.size()), division);
  for (const auto& t : tracks) append_chunk(file, "MTrk", t.bytes);
  return file;
}

}  // namespace mlstm::test
