#include "jam/jam_place.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "audio/audio_output.hpp"
#include "jam/bundled_files.hpp"
#include "midi/midi_system.hpp"

namespace mlstm::app {
namespace {

constexpr const char* kDemoPhrase = "assets/demo/phrase.mid";

// Why a live jam cannot run here (no audio output device, no MIDI system), or empty.
std::string live_blocker(const JamArgs& a) {
  {
    const StallWatchdog watchdog(20.0, "looking for audio devices");
    if (rt::list_audio_devices(a.cli.options.audio.host_api).empty())
      return "no audio output device";
  }
  if (a.replay.empty()) {
    try {
      rt::resolve_midi_system(rt::parse_midi_system(a.cli.midi_api));
    } catch (const rt::DeviceError&) {
      return "no MIDI system (no JACK server, no ALSA sequencer)";
    }
  }
  return {};
}

void prepare_demo(JamArgs& a) {
  if (a.replay.empty()) {
    const auto phrase = find_bundled(kDemoPhrase);
    if (!phrase) {
      throw std::runtime_error(std::string("the demo phrase ") + kDemoPhrase +
                               " is missing from this installation; pass --replay FILE.mid");
    }
    a.replay = phrase->string();
  }
  std::filesystem::create_directories(a.demo_dir);
  if (a.render.empty()) a.render = a.demo_dir + "/jam-demo.wav";
  if (a.cli.record.empty()) a.cli.record = a.demo_dir + "/jam-demo.mid";
}

}  // namespace

bool choose_jam_place(JamArgs& a) {
  if (!a.offline && !a.demo) {
    const std::string blocker = live_blocker(a);
    if (!blocker.empty()) {
      if (!a.midi_in.empty() || a.virtual_port) {
        throw rt::DeviceError(blocker +
                              ": a live jam needs one (music-lstm devices shows what "
                              "there is); --offline --render out.wav works without");
      }
      std::printf("%s here: running the headless demo instead (offline, into %s/)\n",
                  blocker.c_str(), a.demo_dir.c_str());
      a.demo = true;
    }
  }
  if (a.demo) prepare_demo(a);
  const bool offline = a.offline || a.demo;
  if (offline && a.replay.empty()) {
    throw std::invalid_argument("--offline needs --replay FILE.mid (the player's part)");
  }
  if (!offline && a.replay.empty() && a.midi_in.empty()) a.virtual_port = true;
  return offline;
}

}  // namespace mlstm::app
