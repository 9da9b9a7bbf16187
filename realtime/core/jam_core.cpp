// REAL-TIME CODE: process() and everything it calls run on the audio thread: no allocation, no
// lock, no log, no wait (tests/realtime/rtsan_jam_core.cpp runs them under RealtimeSanitizer).
#include "core/jam_core.hpp"

#include <algorithm>
#include <chrono>

#include "events/midi_message.hpp"

namespace mlstm::rt {

JamCore::JamCore(Continuer continuer, const JamSettings& settings, const JamCoreOptions& options,
                 Instrument* instrument)
    : engine_(instrument ? *instrument : silence_, options.performer.sample_rate),
      // Events stamped with their exact frames (no monitoring latency: the host gives frames).
      router_(engine_, RouterOptions{0, 0}),
      jam_(std::move(continuer), settings, options.live),
      live_(options.live),
      pass_through_(options.pass_through),
      model_to_block_(options.model_to_block),
      output_channel_(options.performer.model_channel & 0x0F) {
  // The model's events (and clock out) reach MIDI out through the engine's forwarded queue, at
  // the frames they were applied at (the out-latency knob's early copies included).
  engine_.forward_model.store(options.model_to_block);
  engine_.model_to_synth.store(instrument != nullptr);
  router_.set_listener(&jam_.player_input());
  router_.set_control_keys(&jam_.control_keys());
  jam_.attach(engine_, options.performer);
  jam_.performer().set_host_transport(&transport_);
}

JamCore::~JamCore() {
  stop();
}

void JamCore::start(std::function<std::int64_t()> now) {
  if (!now) now = [this] { return next_block(); };
  jam_.start(std::move(now));
}

void JamCore::stop() {
  jam_.stop();
}

void JamCore::set_model_to_block(bool on) noexcept {
  model_to_block_.store(on, std::memory_order_relaxed);
  engine_.forward_model.store(on);
}

void JamCore::push_out(MidiBlock& out, const BlockMidiEvent& e) noexcept {
  if (!out.push(e)) out_dropped_.fetch_add(1, std::memory_order_relaxed);
}

void JamCore::run_chunk(int frames, std::int64_t start, std::span<const BlockMidiEvent> in,
                        std::uint32_t offset, MidiBlock& out, float* left, float* right,
                        std::int64_t steady_ns) noexcept {
  for (const BlockMidiEvent& e : in) {
    const auto at = std::min<std::int64_t>(e.frame - offset, frames - 1);
    router_.on_message_at_frame(e.bytes, std::min<std::size_t>(e.size, 3), start + at);
  }
  // Not live: the performer hears the chunk's MIDI in and plans what is due from its first frame,
  // the model computing here (a render, not real time: rtsan_jam_core runs the core live).
  if (!live_) jam_.tick(start);
  if (steady_ns < 0) {
    steady_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  }
  engine_.process(left ? left : scratch_left_, right ? right : scratch_right_, frames, steady_ns);
  // The model's events applied in this chunk, in the order applied (by frame); with
  // model_to_block off they stay for the shell's MIDI out.
  std::size_t n = 0;
  SynthEvent f;
  while (model_to_block_.load(std::memory_order_relaxed) && engine_.forwarded().try_pop(f)) {
    // Channel messages on the channel asked for (clock has none).
    if (f.kind != EventKind::kClock) {
      f.channel = static_cast<std::uint8_t>(output_channel_.load(std::memory_order_relaxed));
    }
    BlockMidiEvent m;
    m.frame = offset +
              static_cast<std::uint32_t>(std::clamp<std::int64_t>(f.frame - start, 0, frames - 1));
    if (f.kind == EventKind::kPanic) {
      // All notes off on the model's channel (a panic has no message of its own).
      m.size = 3;
      m.bytes[0] = static_cast<std::uint8_t>(0xB0 | f.channel);
      m.bytes[1] = 123;
      m.bytes[2] = 0;
    } else {
      unsigned char bytes[3];
      m.size = static_cast<std::uint8_t>(midi_bytes(f, bytes));
      if (m.size == 0) continue;
      std::copy_n(bytes, m.size, m.bytes);
    }
    if (n == model_out_.size()) {
      out_dropped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    model_out_[n++] = m;
  }
  // Merged by frame: the player's passed through first at a frame they share.
  if (!pass_through_) in = {};
  std::size_t i = 0, j = 0;
  while (i < in.size() || j < n) {
    if (j == n || (i < in.size() && in[i].frame <= model_out_[j].frame)) {
      push_out(out, in[i++]);
    } else {
      push_out(out, model_out_[j++]);
    }
  }
}

void JamCore::process(int frames, const HostTransport& transport,
                      std::span<const BlockMidiEvent> in, MidiBlock& out, float* left, float* right,
                      std::int64_t steady_ns) noexcept MLSTM_NONBLOCKING {
  out.clear();
  frames = std::max(frames, 0);
  const std::int64_t start = next_frame_.load(std::memory_order_relaxed);
  transport_.publish(transport, start, engine_.sample_rate());
  if (frames == 0) {  // no time passes: the player's MIDI passes through, nothing is due
    if (pass_through_) {
      for (const BlockMidiEvent& e : in) push_out(out, e);
    }
    return;
  }
  // The engine renders at most kMaxBlockFrames at once: a longer block in chunks, each with the
  // events that fall in it (one at or past the block's end goes with the last chunk).
  std::size_t first = 0;
  for (int done = 0; done < frames;) {
    const int chunk = std::min(frames - done, AudioEngine::kMaxBlockFrames);
    const auto end = static_cast<std::uint32_t>(done + chunk);
    std::size_t last = first;
    while (last < in.size() && (in[last].frame < end || done + chunk == frames)) ++last;
    run_chunk(
        chunk, start + done, in.subspan(first, last - first), static_cast<std::uint32_t>(done), out,
        left ? left + done : nullptr, right ? right + done : nullptr,
        steady_ns < 0 ? -1
                      : steady_ns + std::int64_t{done} * 1'000'000'000 / engine_.sample_rate());
    first = last;
    done += chunk;
  }
  next_frame_.store(start + frames, std::memory_order_release);
}

}  // namespace mlstm::rt
