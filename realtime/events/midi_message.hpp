#pragma once
// Raw MIDI bytes from a port (or a replayed file), judged one message at a time. Nothing a sender
// puts on the wire can make us crash or misread a note: malformed messages are classified and
// counted, never guessed at.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "events/synth_event.hpp"

namespace mlstm::rt {

enum class MessageClass : std::uint8_t {
  kChannel,    // a complete channel voice message: see `status`, `data1`, `data2`
  kClock,      // MIDI clock: 0xF8 (a pulse, 24 a quarter), 0xFA start, 0xFB continue, 0xFC stop
  kIgnored,    // valid but not for us: active sensing, song position, aftertouch...
  kSysex,      // system exclusive: ignored, counted
  kEmpty,      // no bytes at all
  kStrayData,  // starts with a data byte (no status; running status is not kept per message)
  kTruncated,  // a status byte without all of its data bytes
  kBadData,    // a status byte where a data byte must be, or trailing bytes after the message
};

struct MidiMessage {
  MessageClass kind = MessageClass::kEmpty;
  std::uint8_t status = 0;  // high nibble: message type; low nibble: channel
  std::uint8_t data1 = 0;
  std::uint8_t data2 = 0;
  int type() const { return status & 0xF0; }
  int channel() const { return status & 0x0F; }
};

MidiMessage classify_midi_message(const std::uint8_t* bytes, std::size_t size) noexcept;

// The other way: the bytes of an event as a MIDI message (channel silence is controller 123, all
// notes off; a clock event its one real-time byte). Returns the number of bytes written into
// `bytes` (3 at most); 0 for a panic, which has no message of its own (MIDI out sends all notes
// off on each channel). [any thread] Allocates nothing.
int midi_bytes(const SynthEvent& event, unsigned char bytes[3]) noexcept;

// What an input saw; every malformed message lands in exactly one of the malformed counters.
struct InputCounters {
  std::atomic<std::uint64_t> messages{0};  // all, of every class
  std::atomic<std::uint64_t> notes{0};     // note-ons with velocity > 0
  std::atomic<std::uint64_t> clock{0};     // MIDI clock messages (for the performer)
  std::atomic<std::uint64_t> ignored{0};
  std::atomic<std::uint64_t> sysex{0};
  std::atomic<std::uint64_t> stray_data{0};
  std::atomic<std::uint64_t> truncated{0};
  std::atomic<std::uint64_t> bad_data{0};  // includes empty messages
  std::atomic<std::uint64_t> dropped{0};   // a queue to the audio thread was full
  std::uint64_t malformed() const { return stray_data.load() + truncated.load() + bad_data.load(); }
  // Counts a message that is not routed (ignored, sysex or malformed) under its class; channel
  // and clock messages are the router's to count.
  void count_unrouted(MessageClass kind) noexcept;
};

// Adds `from`'s counts to `into` (a report over two routers' counts).
void add_counts(InputCounters& into, const InputCounters& from) noexcept;

}  // namespace mlstm::rt
