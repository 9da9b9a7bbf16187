#include "events/midi_message.hpp"

#include <utility>

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

int midi_bytes(const SynthEvent& e, unsigned char bytes[3]) noexcept {
  const unsigned char ch = e.channel & 0x0F;
  switch (e.kind) {
    case EventKind::kNoteOn:
      bytes[0] = 0x90 | ch;
      break;
    case EventKind::kNoteOff:
      bytes[0] = 0x80 | ch;
      break;
    case EventKind::kControl:
      bytes[0] = 0xB0 | ch;
      break;
    case EventKind::kProgram:
      bytes[0] = 0xC0 | ch;
      bytes[1] = e.data1 & 0x7F;
      return 2;
    case EventKind::kPitchBend:
      bytes[0] = 0xE0 | ch;
      break;
    case EventKind::kChannelSilence:
      bytes[0] = 0xB0 | ch;  // controller 123: all notes off
      bytes[1] = 123;
      bytes[2] = 0;
      return 3;
    case EventKind::kPanic:
      return 0;  // sent as all-notes-off on each channel by the caller
    case EventKind::kClock:
      bytes[0] = e.data1;  // a system real-time message: one byte, no channel
      return 1;
  }
  bytes[1] = e.data1 & 0x7F;
  bytes[2] = e.data2 & 0x7F;
  return 3;
}

void InputCounters::count_unrouted(MessageClass kind) noexcept {
  switch (kind) {
    case MessageClass::kChannel:
    case MessageClass::kClock:
      return;
    case MessageClass::kIgnored:
      ignored.fetch_add(1, std::memory_order_relaxed);
      return;
    case MessageClass::kSysex:
      sysex.fetch_add(1, std::memory_order_relaxed);
      return;
    case MessageClass::kStrayData:
      stray_data.fetch_add(1, std::memory_order_relaxed);
      return;
    case MessageClass::kTruncated:
      truncated.fetch_add(1, std::memory_order_relaxed);
      return;
    case MessageClass::kEmpty:
    case MessageClass::kBadData:
      bad_data.fetch_add(1, std::memory_order_relaxed);
      return;
  }
}

void add_counts(InputCounters& into, const InputCounters& from) noexcept {
  for (auto [to, of] :
       {std::pair{&into.messages, &from.messages}, std::pair{&into.notes, &from.notes},
        std::pair{&into.clock, &from.clock}, std::pair{&into.ignored, &from.ignored},
        std::pair{&into.sysex, &from.sysex}, std::pair{&into.stray_data, &from.stray_data},
        std::pair{&into.truncated, &from.truncated}, std::pair{&into.bad_data, &from.bad_data},
        std::pair{&into.dropped, &from.dropped}}) {
    to->fetch_add(of->load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
}

}  // namespace mlstm::rt
