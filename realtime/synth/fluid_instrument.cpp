// REAL-TIME CODE: apply() and render() run on the audio thread; the rest does not.
#include "synth/fluid_instrument.hpp"

#include <fluidsynth.h>

#include <algorithm>
#include <string>

namespace mlstm::rt {

std::optional<std::filesystem::path> default_soundfont() {
  for (const char* p :
       {"/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2",
        "/usr/share/sounds/sf2/default-GM.sf2"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return std::filesystem::path(p);
  }
  return std::nullopt;
}

FluidInstrument::FluidInstrument(const std::filesystem::path& soundfont,
                                 const FluidOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(soundfont, ec)) {
    throw SynthError(soundfont.string() +
                     ": no such soundfont (install fluid-soundfont-gm, or pass --soundfont FILE)");
  }
  if (options.sample_rate < 8000 || options.sample_rate > 96000) {
    throw SynthError("sample rate " + std::to_string(options.sample_rate) +
                     " Hz: FluidSynth renders between 8000 and 96000 Hz");
  }
  // FluidSynth prints its own messages (several lines for a bad file, and later from the audio
  // thread for a voice it cannot allocate): all off; our exceptions say what is wrong in one line.
  for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG}) {
    fluid_set_log_function(level, nullptr, nullptr);
  }
  // A file that is not a SoundFont at all is told apart before loading: FluidSynth would hand it
  // to libinstpatch, whose glib warnings we cannot silence.
  if (!fluid_is_soundfont(soundfont.c_str())) {
    throw SynthError(soundfont.string() + ": not a SoundFont 2 file (.sf2)");
  }
  settings_ = new_fluid_settings();
  fluid_settings_setnum(settings_, "synth.sample-rate", options.sample_rate);
  fluid_settings_setnum(settings_, "synth.gain", options.gain);
  fluid_settings_setint(settings_, "synth.polyphony", options.polyphony);
  // Only the audio thread calls the synthesizer once it runs: no mutex inside each call.
  fluid_settings_setint(settings_, "synth.threadsafe-api", 0);
  // One core: FluidSynth's own worker threads would be waited on inside the callback.
  fluid_settings_setint(settings_, "synth.cpu-cores", 1);
  // Reverb and chorus off: Debian's FluidSynth runs them in an OpenMP parallel region that
  // allocates and frees a thread team on every render call (found by RealtimeSanitizer,
  // tests/realtime/: memalign and free inside fluid_synth_write_float). Without effects FluidSynth
  // skips that region.
  fluid_settings_setint(settings_, "synth.reverb.active", 0);
  fluid_settings_setint(settings_, "synth.chorus.active", 0);
  // Samples are loaded now, not streamed from disk on the audio thread.
  fluid_settings_setint(settings_, "synth.dynamic-sample-loading", 0);
  synth_ = new_fluid_synth(settings_);
  if (!synth_ || fluid_synth_sfload(synth_, soundfont.c_str(), 1) == FLUID_FAILED) {
    if (synth_) delete_fluid_synth(synth_);
    delete_fluid_settings(settings_);
    throw SynthError(soundfont.string() +
                     ": FluidSynth cannot load this soundfont (is it a .sf2 file?)");
  }
}

FluidInstrument::~FluidInstrument() {
  delete_fluid_synth(synth_);
  delete_fluid_settings(settings_);
}

void FluidInstrument::apply(const SynthEvent& e) noexcept {
  const int ch = e.channel & 0x0F;
  switch (e.kind) {
    case EventKind::kNoteOn:
      if (e.data2 == 0) {
        fluid_synth_noteoff(synth_, ch, e.data1 & 0x7F);
      } else {
        fluid_synth_noteon(synth_, ch, e.data1 & 0x7F, e.data2 & 0x7F);
      }
      break;
    case EventKind::kNoteOff:
      fluid_synth_noteoff(synth_, ch, e.data1 & 0x7F);
      break;
    case EventKind::kControl:
      fluid_synth_cc(synth_, ch, e.data1 & 0x7F, e.data2 & 0x7F);
      break;
    case EventKind::kProgram:
      fluid_synth_program_change(synth_, ch, e.data1 & 0x7F);
      break;
    case EventKind::kPitchBend:
      fluid_synth_pitch_bend(synth_, ch, (e.data1 & 0x7F) | ((e.data2 & 0x7F) << 7));
      break;
    case EventKind::kChannelSilence:
      fluid_synth_all_notes_off(synth_, ch);
      break;
    case EventKind::kPanic:
      fluid_synth_all_sounds_off(synth_, -1);
      break;
    case EventKind::kClock:
      break;  // for MIDI out only
  }
}

void FluidInstrument::render(float* left, float* right, int frames) noexcept {
  fluid_synth_write_float(synth_, frames, left, 0, 1, right, 0, 1);
}

int FluidInstrument::active_voices() const {
  return fluid_synth_get_active_voice_count(synth_);
}

}  // namespace mlstm::rt
