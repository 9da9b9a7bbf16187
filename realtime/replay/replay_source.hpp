#pragma once
// A MIDI file fed into a session as if it were played on a keyboard: its notes and pedal events
// become raw MIDI messages handed to a receiver (midi/midi_receiver.hpp) at their times, in real
// time on a thread of its own (like a MIDI input callback), or block by block on the offline path.

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "midi/midi_file.hpp"
#include "midi/midi_receiver.hpp"

namespace mlstm::rt {

struct TimedMessage {
  double seconds = 0.0;
  std::uint8_t bytes[3] = {0, 0, 0};
  std::uint8_t size = 3;
};

// The file's notes and sustain-pedal changes as messages on `channel`, in time order; at one time,
// note-offs before note-ons (a re-struck key is released first).
std::vector<TimedMessage> replay_messages(const MidiFile& file, int channel = 0);

class ReplaySource {
 public:
  explicit ReplaySource(std::vector<TimedMessage> messages, double start_delay_seconds = 0.0);
  ~ReplaySource();
  ReplaySource(const ReplaySource&) = delete;
  ReplaySource& operator=(const ReplaySource&) = delete;

  // Real time: a thread sleeps until each message's time and hands it to `receiver`.
  void start(MidiReceiver& receiver);
  void stop();
  bool finished() const { return finished_.load(); }

  // Offline: hands `receiver` every message due before `block_end` that it has not had yet, stamped
  // with its exact frame.
  void feed_until(MidiReceiver& receiver, std::int64_t block_end, int sample_rate);

  // Seconds from the start to the last message, the start delay included.
  double duration() const;
  std::size_t size() const { return messages_.size(); }

 private:
  std::vector<TimedMessage> messages_;
  double start_delay_;
  std::size_t next_ = 0;
  std::atomic<bool> stop_{false}, finished_{false};
  std::thread thread_;
};

}  // namespace mlstm::rt
