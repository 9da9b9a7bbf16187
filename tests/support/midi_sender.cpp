// A second process that plays a keyboard's part for the real-time tests: it connects to a JACK
// MIDI port and sends, in real time, a MIDI file's notes (--file), a flood of notes (--flood
// RATE), or malformed messages (--malformed). It logs what it sent and when (--log), so the test
// can compare the recording with it.
//
// It is a libjack client, not RtMidi: like a keyboard behind a MIDI interface, it puts each
// message at its own frame within a JACK cycle (RtMidi's JACK output puts all of a cycle's
// messages at its first frame), so the log holds the exact time each message was on the wire.
#include <jack/jack.h>
#include <jack/midiport.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "midi/midi_file.hpp"
#include "replay/replay_source.hpp"

namespace {

struct Message {
  double seconds = 0;  // when, from the start
  std::uint32_t size = 0;
  std::array<unsigned char, 8> bytes{};
  std::int64_t frame = -1;  // the frame it went out at, relative to the start
};

// Shared with JACK's process thread: the schedule is written before `start` is set and read-only
// after; the process thread alone moves `next`.
struct Sender {
  jack_client_t* client = nullptr;
  jack_port_t* port = nullptr;
  std::vector<Message> messages;
  double rate = 48000;
  std::atomic<std::int64_t> start{-1};  // JACK frame of time 0, once sending begins
  std::atomic<std::size_t> next{0};
  std::atomic<long> deferred{0};         // messages a full port buffer pushed into a later cycle
  std::atomic<std::uint64_t> cycles{0};  // process callbacks run, for the stall watchdog
  std::atomic<bool> shut_down{false};    // the server dropped the client (jack_on_shutdown)
};

int process(jack_nframes_t frames, void* arg) {
  auto& s = *static_cast<Sender*>(arg);
  s.cycles.fetch_add(1, std::memory_order_relaxed);
  void* buffer = jack_port_get_buffer(s.port, frames);
  jack_midi_clear_buffer(buffer);
  const std::int64_t start = s.start.load(std::memory_order_acquire);
  if (start < 0) return 0;
  const auto cycle = static_cast<std::int64_t>(jack_last_frame_time(s.client));
  std::size_t i = s.next.load(std::memory_order_relaxed);
  for (; i < s.messages.size(); ++i) {
    Message& m = s.messages[i];
    const auto due = start + static_cast<std::int64_t>(std::llround(m.seconds * s.rate));
    if (due >= cycle + frames) break;
    const std::int64_t offset = due < cycle ? 0 : due - cycle;
    if (jack_midi_event_write(buffer, static_cast<jack_nframes_t>(offset), m.bytes.data(),
                              m.size) != 0) {
      s.deferred.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    m.frame = cycle + offset - start;
  }
  s.next.store(i, std::memory_order_release);
  return 0;
}

Message make(double seconds, std::initializer_list<unsigned char> bytes) {
  Message m;
  m.seconds = seconds;
  for (unsigned char b : bytes) m.bytes[m.size++] = b;
  return m;
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
  std::vector<std::string> clock;
  app.add_option("--clock", clock,
                 "Send MIDI clock: start at time 0, then 24 pulses a beat at BPM until SECONDS "
                 "(repeat for a tempo change: --clock 100:16 --clock 140:40), then stop")
      ->type_name("BPM:SECONDS");
  app.add_option("--delay", delay, "Seconds to wait after connecting, before sending");
  double wait_for_receiver = 0;
  app.add_option("--wait-for-receiver", wait_for_receiver,
                 "With --virtual: first wait up to this many seconds for a receiver to connect "
                 "to the port (then --delay counts from the connection)");
  app.add_option("--log", log, "Write 'seconds status data1 data2' of each sent message here");
  CLI11_PARSE(app, argc, argv);

  const auto started = std::chrono::steady_clock::now();
  std::vector<Message> messages;
  if (!file.empty()) {
    for (const auto& m : mlstm::rt::replay_messages(mlstm::read_midi_file(file))) {
      if (seconds > 0 && m.seconds > seconds) break;
      if (m.size > 8) continue;  // sysex: not a keyboard's part
      Message out;
      out.seconds = m.seconds;
      out.size = static_cast<std::uint32_t>(m.size);
      std::copy(m.bytes, m.bytes + m.size, out.bytes.begin());
      messages.push_back(out);
    }
  } else if (flood > 0 && seconds > 0) {
    const auto count = static_cast<long long>(flood * seconds);
    for (long long i = 0; i < count; ++i) {
      const auto key = static_cast<unsigned char>(36 + (i / 2) % 60);
      const double t = static_cast<double>(i) / flood;
      messages.push_back(i % 2 == 0 ? make(t, {0x90, key, 80}) : make(t, {0x80, key, 0}));
    }
  } else if (malformed) {
    double t = 0;
    for (int round = 0; round < 50; ++round) {
      messages.push_back(make(t += 0.002, {0x90, 60}));                // truncated note-on
      messages.push_back(make(t += 0.002, {0x40, 0x40}));              // stray data bytes
      messages.push_back(make(t += 0.002, {0x90, 0x90, 0x40}));        // status as data
      messages.push_back(make(t += 0.002, {0xF0, 0x7E, 0x7F, 0xF7}));  // sysex
      messages.push_back(make(t += 0.002, {0xC0}));                    // truncated program
      messages.push_back(make(t += 0.002, {0x90, 61, 100, 62, 100}));  // trailing bytes
      messages.push_back(make(t += 0.002, {0x90, 72, 90}));
      messages.push_back(make(t += 0.05, {0x80, 72, 0}));
    }
  }
  for (int i = 0; i < notes; ++i) {
    const auto key = static_cast<unsigned char>(60 + i % 12);
    messages.push_back(make(i * 0.1, {0x90, key, 90}));
    messages.push_back(make(i * 0.1 + 0.05, {0x80, key, 0}));
  }
  if (!clock.empty()) {
    messages.push_back(make(0.0, {0xFA}));
    double t = 0.001, until = 0;
    for (const std::string& part : clock) {
      double bpm = 0;
      if (std::sscanf(part.c_str(), "%lf:%lf", &bpm, &until) != 2 || bpm < 10 || bpm > 400) {
        std::fprintf(stderr, "sender: --clock '%s' is not BPM:SECONDS\n", part.c_str());
        return 2;
      }
      for (; t < until; t += 60.0 / bpm / 24) messages.push_back(make(t, {0xF8}));
    }
    messages.push_back(make(until, {0xFC}));
  }
  std::stable_sort(messages.begin(), messages.end(),
                   [](const Message& a, const Message& b) { return a.seconds < b.seconds; });

  Sender sender;
  sender.messages = std::move(messages);
  jack_status_t status{};
  sender.client = jack_client_open("mlstm-test-sender", JackNoStartServer, &status);
  if (!sender.client) {
    std::fprintf(stderr, "sender: no JACK server (status %d)\n", static_cast<int>(status));
    return 1;
  }
  // Closed before `sender` goes, on every way out: JACK's thread reads it until then.
  struct Closer {
    Sender& s;
    ~Closer() {
      if (s.client) jack_client_close(s.client);
    }
  } closer{sender};
  sender.rate = jack_get_sample_rate(sender.client);
  sender.port =
      jack_port_register(sender.client, virtual_name.empty() ? "out" : virtual_name.c_str(),
                         JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
  // A server that drops the client (too slow on a stalled machine) never calls it again: the
  // sender says so and exits rather than waiting for messages that will never go out.
  jack_on_shutdown(
      sender.client, [](void* arg) { static_cast<Sender*>(arg)->shut_down.store(true); }, &sender);
  if (!sender.port || jack_set_process_callback(sender.client, process, &sender) != 0 ||
      jack_activate(sender.client) != 0) {
    std::fprintf(stderr, "sender: cannot register the JACK MIDI port\n");
    return 1;
  }
  if (virtual_name.empty()) {
    std::string destination;
    if (const char** ports =
            jack_get_ports(sender.client, nullptr, JACK_DEFAULT_MIDI_TYPE, JackPortIsInput)) {
      for (const char** p = ports; *p; ++p) {
        if (std::string(*p).find(port) != std::string::npos) destination = *p;
      }
      jack_free(ports);
    }
    if (destination.empty() ||
        jack_connect(sender.client, jack_port_name(sender.port), destination.c_str()) != 0) {
      std::fprintf(stderr, "sender: no JACK MIDI port '%s'\n", port.c_str());
      return 2;
    }
  }
  auto delay_from = started;
  if (wait_for_receiver > 0 && !virtual_name.empty()) {
    // A receiver that is slow to start (it loads a 145 MB soundfont) or to notice a port coming
    // back would otherwise miss the first notes, on a busy machine only.
    const auto until = started + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::duration<double>(wait_for_receiver));
    while (jack_port_connected(sender.port) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        std::fprintf(stderr, "sender: no receiver connected to '%s' in %.0f s\n",
                     virtual_name.c_str(), wait_for_receiver);
        return 3;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    delay_from = std::chrono::steady_clock::now();
    std::printf("sender: a receiver connected after %.2f s\n",
                std::chrono::duration<double>(delay_from - started).count());
  }
  std::this_thread::sleep_until(delay_from + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                 std::chrono::duration<double>(delay)));

  // Time 0 a few cycles ahead, so the first message is on time. Its steady-clock time (which the
  // receiver's audio clock also reads) lets the test measure the latency from a send to the sound.
  const auto start = static_cast<std::int64_t>(jack_frame_time(sender.client)) +
                     static_cast<std::int64_t>(sender.rate * 0.05);
  const auto steady_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::steady_clock::now().time_since_epoch())
                              .count();
  const auto origin_ns = steady_now + (static_cast<std::int64_t>(jack_frames_to_time(
                                           sender.client, static_cast<jack_nframes_t>(start))) -
                                       static_cast<std::int64_t>(jack_get_time())) *
                                          1000;
  sender.start.store(start, std::memory_order_release);
  // Watchdog: JACK runs the callback every period; none for kStall means the server stopped
  // running this client, and the test is told in one line instead of timing out silently.
  constexpr auto kStall = std::chrono::seconds(10);
  auto last_cycles = sender.cycles.load();
  auto last_progress = std::chrono::steady_clock::now();
  while (sender.next.load(std::memory_order_acquire) < sender.messages.size()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = std::chrono::steady_clock::now();
    if (const auto c = sender.cycles.load(); c != last_cycles) {
      last_cycles = c;
      last_progress = now;
    }
    if (sender.shut_down.load() || now - last_progress > kStall) {
      std::fprintf(stderr, "sender: %s after %zu of %zu messages; the rest were not sent\n",
                   sender.shut_down.load() ? "the JACK server dropped this client"
                                           : "JACK stopped running this client's cycle for 10 s",
                   sender.next.load(), sender.messages.size());
      return 4;
    }
  }
  // Let JACK deliver the last messages before the client goes.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  jack_client_close(sender.client);
  sender.client = nullptr;

  if (!log.empty()) {
    std::ofstream out(log);
    out << "# origin_ns " << origin_ns << '\n';
    for (const Message& m : sender.messages) {
      out << static_cast<double>(m.frame) / sender.rate;
      for (std::uint32_t b = 0; b < m.size; ++b) out << ' ' << static_cast<int>(m.bytes[b]);
      out << '\n';
    }
  }
  std::printf("sender: %zu messages sent, %ld put off by a full port buffer\n",
              sender.messages.size(), sender.deferred.load());
  return 0;
}
