#include "events/midi_message.hpp"

namespace mlstm::rt {
namespace {

// Data bytes that follow each channel message type (0x80..0xE0).
int data_bytes_of(std::uint8_t status) {
  switch (status & 0xF0) {
    case 0xC0:  // program change
    case 0xD0:  // channel pressure
      return 1;
    default:
      return 2;
  }
}

}  // namespace

MidiMessage classify_midi_message(const std::uint8_t* bytes, std::size_t size) noexcept {
  MidiMessage m;
  if (size == 0 || bytes == nullptr) return m;  // kEmpty
  const std::uint8_t status = bytes[0];
  if (status < 0x80) {
    m.kind = MessageClass::kStrayData;
    return m;
  }
  m.status = status;
  if (status == 0xF0) {
    m.kind = MessageClass::kSysex;
    return m;
  }
  if (status >= 0xF8 || status == 0xF6 || status == 0xF7) {
    // Real-time messages (clock, start, stop, active sensing, reset), tune request, a lone EOX.
    const bool clock = status == 0xF8 || (status >= 0xFA && status <= 0xFC);
    m.kind = size != 1 ? MessageClass::kBadData
             : clock   ? MessageClass::kClock
                       : MessageClass::kIgnored;
    return m;
  }
  if (status >= 0xF1) {
    // System common: time code quarter frame and song select (1 data byte), song position (2).
    const std::size_t want = status == 0xF2 ? 3 : 2;
    m.kind = size < want   ? MessageClass::kTruncated
             : size > want ? MessageClass::kBadData
                           : MessageClass::kIgnored;
    if (status == 0xF4 || status == 0xF5) m.kind = MessageClass::kBadData;  // undefined
    return m;
  }
  const std::size_t want = 1 + static_cast<std::size_t>(data_bytes_of(status));
  if (size < want) {
    for (std::size_t i = 1; i < size; ++i) {
      if (bytes[i] >= 0x80) {
        m.kind = MessageClass::kBadData;
        return m;
      }
    }
    m.kind = MessageClass::kTruncated;
    return m;
  }
  for (std::size_t i = 1; i < size; ++i) {
    if (bytes[i] >= 0x80) {
      m.kind = MessageClass::kBadData;
      return m;
    }
  }
  if (size > want) {
    m.kind = MessageClass::kBadData;
    return m;
  }
  m.data1 = bytes[1];
  m.data2 = want == 3 ? bytes[2] : 0;
  const int type = status & 0xF0;
  m.kind = (type == 0xA0 || type == 0xD0) ? MessageClass::kIgnored : MessageClass::kChannel;
  return m;
}

}  // namespace mlstm::rt
