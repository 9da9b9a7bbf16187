#include "midi/input_router.hpp"

namespace mlstm::rt {

void InputRouter::on_message(const std::uint8_t* bytes, std::size_t size,
                             std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING {
  on_message_at_frame(bytes, size, engine_.clock().frame_at(steady_ns) + latency_frames());
}

void InputRouter::on_message_at_frame(const std::uint8_t* bytes, std::size_t size,
                                      std::int64_t frame) noexcept MLSTM_NONBLOCKING {
  counters_.messages.fetch_add(1, std::memory_order_relaxed);
  const MidiMessage m = classify_midi_message(bytes, size);
  switch (m.kind) {
    case MessageClass::kChannel:
      break;
    case MessageClass::kClock:
      // For the performer alone (MIDI clock in): a clock is not heard, recorded or sent on.
      if (listener_ && !listener_->try_push(
                           SynthEvent{frame, EventKind::kClock, Voice::kPlayer, 0, m.status, 0})) {
        counters_.dropped.fetch_add(1, std::memory_order_relaxed);
      }
      counters_.clock.fetch_add(1, std::memory_order_relaxed);
      return;
    case MessageClass::kIgnored:
    case MessageClass::kSysex:
    case MessageClass::kStrayData:
    case MessageClass::kTruncated:
    case MessageClass::kEmpty:
    case MessageClass::kBadData:
      counters_.count_unrouted(m.kind);
      return;
  }
  SynthEvent e;
  e.frame = frame;
  e.voice = Voice::kPlayer;
  e.channel = static_cast<std::uint8_t>(options_.player_channel);
  e.data1 = m.data1;
  e.data2 = m.data2;
  switch (m.type()) {
    case 0x90:
      e.kind = m.data2 == 0 ? EventKind::kNoteOff : EventKind::kNoteOn;
      if (m.data2 > 0) counters_.notes.fetch_add(1, std::memory_order_relaxed);
      break;
    case 0x80:
      e.kind = EventKind::kNoteOff;
      e.data2 = 0;
      break;
    case 0xB0:
      e.kind = EventKind::kControl;
      break;
    case 0xC0:
      e.kind = EventKind::kProgram;
      break;
    case 0xE0:
      e.kind = EventKind::kPitchBend;
      break;
    default:
      counters_.ignored.fetch_add(1, std::memory_order_relaxed);
      return;
  }
  // A bound key's note-off still reaches the synthesizer: the key may have sounded before it was
  // bound (the press MIDI learn bound it with), and a note-off of a silent key does nothing.
  const bool control_key =
      e.kind == EventKind::kNoteOn && control_keys_ && control_keys_->has(e.data1);
  if (!control_key && !target_.try_push(e)) {
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
  }
  if (listener_ && !listener_->try_push(e)) {
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace mlstm::rt
