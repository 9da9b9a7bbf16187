#include "replay/replay_source.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mlstm::rt {

std::vector<TimedMessage> replay_messages(const MidiFile& file, int channel) {
  struct Keyed {
    TimedMessage message;
    int order;  // at one time: pedal up, note-offs, pedal down, note-ons
  };
  std::vector<Keyed> keyed;
  const auto ch = static_cast<std::uint8_t>(channel & 0x0F);
  for (const Note& n : file.notes) {
    const auto key = static_cast<std::uint8_t>(n.pitch);
    keyed.push_back({{n.start,
                      {static_cast<std::uint8_t>(0x90 | ch), key,
                       static_cast<std::uint8_t>(std::clamp(n.velocity, 1, 127))},
                      3},
                     3});
    keyed.push_back({{n.end, {static_cast<std::uint8_t>(0x80 | ch), key, 0}, 3}, 1});
  }
  for (const PedalEvent& p : file.pedals) {
    keyed.push_back({{p.time,
                      {static_cast<std::uint8_t>(0xB0 | ch),
                       static_cast<std::uint8_t>(p.controller), static_cast<std::uint8_t>(p.value)},
                      3},
                     switch_pressed(p.value) ? 2 : 0});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.message.seconds != b.message.seconds ? a.message.seconds < b.message.seconds
                                                  : a.order < b.order;
  });
  std::vector<TimedMessage> messages;
  messages.reserve(keyed.size());
  for (const Keyed& k : keyed) messages.push_back(k.message);
  return messages;
}

ReplaySource::ReplaySource(std::vector<TimedMessage> messages, double start_delay_seconds)
    : messages_(std::move(messages)), start_delay_(start_delay_seconds) {}

ReplaySource::~ReplaySource() {
  stop();
}

double ReplaySource::duration() const {
  return start_delay_ + (messages_.empty() ? 0.0 : messages_.back().seconds);
}

void ReplaySource::start(MidiReceiver& receiver) {
  stop();
  stop_ = false;
  finished_ = false;
  thread_ = std::thread([this, &receiver] {
    using Clock = std::chrono::steady_clock;
    const auto origin = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(start_delay_));
    for (const TimedMessage& m : messages_) {
      const auto due = origin + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(m.seconds));
      // Sleep in short steps so that stop() is prompt even before a long rest.
      while (!stop_.load() && Clock::now() < due) {
        std::this_thread::sleep_until(std::min(due, Clock::now() + std::chrono::milliseconds(50)));
      }
      if (stop_.load()) break;
      const auto now =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
              .count();
      receiver.on_message(m.bytes, m.size, now);
    }
    finished_ = true;
  });
}

void ReplaySource::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ReplaySource::feed_until(MidiReceiver& receiver, std::int64_t block_end, int sample_rate) {
  while (next_ < messages_.size()) {
    const TimedMessage& m = messages_[next_];
    const auto frame = std::llround((start_delay_ + m.seconds) * sample_rate);
    if (frame >= block_end) break;
    receiver.on_message_at_frame(m.bytes, m.size, frame);
    ++next_;
  }
  if (next_ == messages_.size()) finished_ = true;
}

}  // namespace mlstm::rt
