#pragma once
// MIDI clock in: the tempo and the beat of a DAW, a drum machine or a sequencer from the clock it
// sends (24 pulses a quarter note; start, stop, continue). The jam's performer feeds it the
// messages the input router passes on, stamped with the frames they arrived at, and asks it for
// the beat.
//
// The tempo is a least-squares line through the newest pulses (a beat's worth), so the jitter of
// a USB interface (a millisecond on a 20 ms pulse) averages out. A tempo change is noticed when
// three pulses in a row are off that line by more than kTempoChange of a pulse: the older pulses
// are then dropped, and the new tempo is heard within those three pulses, an eighth of a beat.
// A tempo that glides (a DAW's tempo ramp) stays within the threshold and is followed by the
// line's window, half a beat behind at most.
//
// Beats are counted from the start message: the first pulse after it is the downbeat of bar 1,
// as the MIDI specification has it. Continue goes on counting; a sender that never sends start
// (some only send pulses while they run) is counted from its first pulse. Between stop and the
// next start or continue, and when no pulse came for kClockTimeoutSeconds (the sender is gone or
// its port was unplugged), there is no beat.

#include <array>
#include <cstdint>
#include <optional>

namespace mlstm::rt {

inline constexpr int kClockPulses = 24;       // a quarter note
inline constexpr double kTempoChange = 0.15;  // of a pulse: a new tempo
inline constexpr double kClockTimeoutSeconds = 0.5;

// The beat a clock gives, in frames.
struct ClockBeat {
  double period = 0;  // frames a beat
  // The frame of the next beat (a pulse counted 0, 24, 48, ... from start) and the next bar line
  // (every beats_per_bar beats from start) at or after the newest pulse, on the tempo's line.
  double beat = 0;
  double bar = 0;
  double bpm = 0;
  std::int64_t beats = 0;  // beats counted from start, up to `beat`
};

class ClockFollower {
 public:
  explicit ClockFollower(int sample_rate) : sample_rate_(sample_rate) {}

  // A system real-time message: 0xF8 (pulse), 0xFA (start), 0xFB (continue), 0xFC (stop); others
  // are ignored. Frames must not go back.
  void on_message(std::uint8_t status, std::int64_t frame);

  // The clock's beat as of `now`, once it runs and has sent a few pulses at one tempo.
  std::optional<ClockBeat> beat(std::int64_t now, int beats_per_bar) const;
  // Pulses arrive (running or not) and the last came within the timeout.
  bool present(std::int64_t now) const;
  bool running() const { return running_; }

 private:
  struct Pulse {
    std::int64_t seq = 0;     // pulses since the window began (running or not): the line's x
    std::int64_t count = -1;  // pulses since start; -1 while stopped
    std::int64_t frame = 0;
  };
  const Pulse& at(int i) const { return window_[(head_ + i) % kWindow]; }  // 0: the oldest
  // The line through the window: frame = intercept + slope * seq.
  bool fit(double& slope, double& intercept) const;

  static constexpr int kWindow = kClockPulses;  // a beat's worth
  static constexpr int kMinPulses = 3;
  int sample_rate_;
  bool running_ = false;
  bool ever_started_ = false;  // a start or continue ever came (else the first pulse starts it)
  std::int64_t count_ = 0;     // the next pulse's count
  std::int64_t seq_ = 0;       // the next pulse's seq
  std::int64_t last_pulse_ = -1;
  std::array<Pulse, kWindow> window_{};
  int size_ = 0, head_ = 0;  // a ring of the newest pulses
  int off_line_ = 0;         // pulses in a row off the line
};

}  // namespace mlstm::rt
