// A second process that plays a keyboard's part for the real-time tests: it connects to a JACK
// MIDI port and sends, in real time, a MIDI file's notes (--file), a flood of notes (--flood
// RATE), or malformed messages (--malformed). It logs what it sent and when (--log), so the test
// can compare the recording with it.
#include <rtmidi/RtMidi.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "midi/midi_file.hpp"
#include "replay/replay_source.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Sleeps until `due`; with `precise`, spins the last half millisecond: a keyboard's timing, not
// the scheduler's wake-up jitter. A flood sleeps only: spinning between messages 0.1 ms apart
// would take a whole core from the process under test.
void wait_until(Clock::time_point due, bool precise) {
  const auto coarse = precise ? due - std::chrono::microseconds(500) : due;
  if (Clock::now() < coarse) std::this_thread::sleep_until(coarse);
  while (Clock::now() < due) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sends MIDI to a JACK port in real time (a test tool of music-lstm)"};
  std::string port, file, log, virtual_name;
  double seconds = 0, flood = 0, delay = 1.0;
  bool malformed = false;
  int notes = 0;
  auto* to = app.add_option("--port", port, "Destination JACK MIDI port (part of its name)");
  app.add_option("--virtual", virtual_name,
                 "Open a virtual output port of this name instead, for the receiver to connect to")
      ->excludes(to);
  app.add_option("--file", file, "MIDI file to play");
  app.add_option("--seconds", seconds, "Stop after this many seconds (0: the whole file)");
  app.add_option("--flood", flood, "Send this many messages a second (note-on/off pairs)");
  app.add_flag("--malformed", malformed, "Send malformed messages (and a few good notes)");
  app.add_option("--notes", notes, "Send this many short notes, 10 a second");
  app.add_option("--delay", delay, "Seconds to wait after connecting, before sending");
  app.add_option("--log", log, "Write 'seconds status data1 data2' of each sent message here");
  CLI11_PARSE(app, argc, argv);

  try {
    RtMidiOut out(RtMidi::UNIX_JACK, "mlstm-test-sender");
    if (!virtual_name.empty()) {
      out.openVirtualPort(virtual_name);
    } else {
      int index = -1;
      for (unsigned i = 0; i < out.getPortCount(); ++i) {
        if (out.getPortName(i).find(port) != std::string::npos) index = static_cast<int>(i);
      }
      if (index < 0) {
        std::fprintf(stderr, "sender: no JACK MIDI port '%s'\n", port.c_str());
        return 2;
      }
      out.openPort(static_cast<unsigned>(index), "out");
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));

    std::vector<std::pair<double, std::vector<unsigned char>>> messages;
    if (!file.empty()) {
      for (const auto& m : mlstm::rt::replay_messages(mlstm::read_midi_file(file))) {
        if (seconds > 0 && m.seconds > seconds) break;
        messages.push_back({m.seconds, {m.bytes, m.bytes + m.size}});
      }
    } else if (flood > 0 && seconds > 0) {
      const auto count = static_cast<long long>(flood * seconds);
      for (long long i = 0; i < count; ++i) {
        const auto key = static_cast<unsigned char>(36 + (i / 2) % 60);
        messages.push_back({static_cast<double>(i) / flood,
                            i % 2 == 0 ? std::vector<unsigned char>{0x90, key, 80}
                                       : std::vector<unsigned char>{0x80, key, 0}});
      }
    } else if (malformed) {
      const std::vector<std::vector<unsigned char>> bad = {
          {0x90, 60},                // truncated note-on
          {0x40, 0x40},              // stray data bytes
          {0x90, 0x90, 0x40},        // a status byte where data belongs
          {0xF0, 0x7E, 0x7F, 0xF7},  // sysex
          {0xC0},                    // truncated program change
          {0x90, 61, 100, 62, 100},  // trailing bytes
      };
      double t = 0;
      for (int round = 0; round < 50; ++round) {
        for (const auto& b : bad) messages.push_back({t += 0.002, b});
        messages.push_back({t += 0.002, {0x90, 72, 90}});
        messages.push_back({t += 0.05, {0x80, 72, 0}});
      }
    }
    for (int i = 0; i < notes; ++i) {
      const auto key = static_cast<unsigned char>(60 + i % 12);
      messages.push_back({i * 0.1, {0x90, key, 90}});
      messages.push_back({i * 0.1 + 0.05, {0x80, key, 0}});
    }
    std::ofstream log_file;
    if (!log.empty()) log_file.open(log);
    const auto origin = Clock::now();
    // The origin on the system's monotonic clock, which the receiver's audio clock also reads:
    // the test measures the latency from a send to the first sound with it.
    if (log_file) {
      log_file
          << "# origin_ns "
          << std::chrono::duration_cast<std::chrono::nanoseconds>(origin.time_since_epoch()).count()
          << '\n';
    }
    for (const auto& [at, bytes] : messages) {
      wait_until(
          origin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(at)),
          flood <= 0);
      const double sent = std::chrono::duration<double>(Clock::now() - origin).count();
      out.sendMessage(&bytes);
      if (log_file) {
        log_file << sent;
        for (unsigned char b : bytes) log_file << ' ' << static_cast<int>(b);
        log_file << '\n';
      }
    }
    // Let JACK deliver the last messages before the client goes.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::printf("sender: %zu messages sent\n", messages.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sender: %s\n", e.what());
    return 1;
  }
  return 0;
}
