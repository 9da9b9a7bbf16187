#include "synth/offline_render.hpp"

#include <fluidsynth.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace mlstm {
namespace {

struct Event {
  long long frame;
  int order;  // at one frame: note-offs first, so a re-struck note is not cut by the old one's off
  int channel, pitch, velocity;
};

}  // namespace

std::optional<std::filesystem::path> default_soundfont() {
  for (const char* p :
       {"/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2",
        "/usr/share/sounds/sf2/default-GM.sf2"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return std::filesystem::path(p);
  }
  return std::nullopt;
}

RenderResult render_to_wav(const std::vector<RenderPart>& parts,
                           const std::filesystem::path& soundfont, const std::filesystem::path& wav,
                           const RenderOptions& o) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(soundfont, ec)) {
    throw RenderError(soundfont.string() +
                      ": no such soundfont (install fluid-soundfont-gm, or pass --soundfont)");
  }
  std::unique_ptr<fluid_settings_t, void (*)(fluid_settings_t*)> settings(new_fluid_settings(),
                                                                          delete_fluid_settings);
  fluid_settings_setnum(settings.get(), "synth.sample-rate", o.sample_rate);
  fluid_settings_setnum(settings.get(), "synth.gain", o.gain);
  // One thread owns the synthesizer (as the audio thread will): no locking inside FluidSynth.
  fluid_settings_setint(settings.get(), "synth.threadsafe-api", 0);
  std::unique_ptr<fluid_synth_t, void (*)(fluid_synth_t*)> synth(new_fluid_synth(settings.get()),
                                                                 delete_fluid_synth);
  if (!synth || fluid_synth_sfload(synth.get(), soundfont.c_str(), 1) == FLUID_FAILED) {
    throw RenderError(soundfont.string() + ": FluidSynth cannot load this soundfont");
  }

  std::vector<Event> events;
  double end = 0.0;
  for (const RenderPart& part : parts) {
    fluid_synth_program_change(synth.get(), part.channel, part.program);
    for (const Note& n : part.notes) {
      events.push_back(
          {std::llround(n.start * o.sample_rate), 1, part.channel, n.pitch, n.velocity});
      events.push_back({std::llround(n.end * o.sample_rate), 0, part.channel, n.pitch, 0});
      end = std::max(end, n.end);
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.frame != b.frame ? a.frame < b.frame : a.order < b.order;
  });
  const long long total = std::llround((end + o.tail_seconds) * o.sample_rate);

  const auto tmp = std::filesystem::path(wav.string() + ".tmp");
  SF_INFO info{};
  info.samplerate = o.sample_rate;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(tmp.c_str(), SFM_WRITE, &info);
  if (!file) throw RenderError("cannot write " + wav.string() + ": " + sf_strerror(nullptr));

  RenderResult result;
  std::vector<float> left(static_cast<std::size_t>(o.block_frames)),
      right(static_cast<std::size_t>(o.block_frames)),
      interleaved(2 * static_cast<std::size_t>(o.block_frames));
  std::size_t next = 0;
  for (long long block = 0; block < total; block += o.block_frames) {
    const int frames = static_cast<int>(std::min<long long>(o.block_frames, total - block));
    // Render up to each event due in this block, apply it at its own sample, go on.
    int done = 0;
    while (done < frames) {
      int until = frames;
      if (next < events.size() && events[next].frame < block + frames) {
        until = static_cast<int>(std::max<long long>(events[next].frame - block, done));
      }
      if (until > done) {
        fluid_synth_write_float(synth.get(), until - done, left.data(), done, 1, right.data(), done,
                                1);
        done = until;
      }
      while (next < events.size() && events[next].frame <= block + done) {
        const Event& e = events[next++];
        if (e.velocity > 0) {
          fluid_synth_noteon(synth.get(), e.channel, e.pitch, e.velocity);
        } else {
          fluid_synth_noteoff(synth.get(), e.channel, e.pitch);
        }
      }
      if (until == frames) break;
    }
    for (int i = 0; i < frames; ++i) {
      interleaved[2 * static_cast<std::size_t>(i)] = left[static_cast<std::size_t>(i)];
      interleaved[2 * static_cast<std::size_t>(i) + 1] = right[static_cast<std::size_t>(i)];
      result.peak =
          std::max({result.peak, std::fabs(static_cast<double>(left[static_cast<std::size_t>(i)])),
                    std::fabs(static_cast<double>(right[static_cast<std::size_t>(i)]))});
    }
    if (sf_writef_float(file, interleaved.data(), frames) != frames) {
      sf_close(file);
      std::filesystem::remove(tmp, ec);
      throw RenderError("cannot write " + wav.string() + " (disk full?)");
    }
    result.frames += frames;
  }
  sf_close(file);
  std::filesystem::rename(tmp, wav);
  return result;
}

}  // namespace mlstm
