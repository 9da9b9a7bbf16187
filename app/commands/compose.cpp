// `music-lstm compose`: continue a prime (a MIDI file, or a test-split performance) into a song.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "api/continuation_engine.hpp"
#include "commands/commands.hpp"
#include "commands/data_cli.hpp"
#include "commands/decoding_cli.hpp"
#include "commands/engine_cli.hpp"
#include "data/sustain_pedal.hpp"
#include "decode/onset_limits.hpp"
#include "decode/register_keep.hpp"
#include "jam/bundled_files.hpp"
#include "maestro/dataset.hpp"
#include "midi/fill_context.hpp"
#include "midi/midi_file.hpp"
#include "midi/midi_writer.hpp"
#include "midi/note_features.hpp"
#include "music/key_estimate.hpp"
#ifdef MUSIC_LSTM_HAVE_REALTIME
#include "synth/offline_render.hpp"
#endif

namespace mlstm::app {
namespace {

struct ComposeArgs {
  std::string model, prime, data, out, sampling = sampling_name(kDefaultSampling), wav, soundfont;
  EngineChoice engine;
  int prime_from_test = -1;
  int prime_notes = 0;  // 0: as many as the model reads
  int length = 600;
  SearchSettings search;    // every knob of the search but its sampling (add_search_options)
  DataSplitOptions split;   // --prime-from-test in a folder of MIDI files
  NoteSelection selection;  // which notes of the prime file
  std::uint64_t seed = 0;
  double player_pace = -1;      // notes a second; below 0: the prime's
  double player_register = -1;  // MIDI pitch; below 0: the prime's
  int min_pitch = 0, max_pitch = 127;
  std::string scale = "off";  // off, key (the prime's), or a scale: the song's notes keep to it
};

const std::map<std::string, Sampling> kSampling = {{"beam", Sampling::kBeam},
                                                   {"greedy", Sampling::kBeam},
                                                   {"stochastic-beam", Sampling::kStochasticBeam},
                                                   {"sample", Sampling::kSample}};

std::filesystem::path test_performance(const std::string& data, const DataSplitOptions& split,
                                       int n) {
  const MaestroIndex index =
      load_dataset_index(data.empty() ? default_data_dir() : std::filesystem::path(data), split);
  const auto test = index.of_split(Split::kTest);
  if (n < 0 || n >= static_cast<int>(test.size())) {
    throw std::runtime_error("--prime-from-test " + std::to_string(n) + ": the test split has " +
                             std::to_string(test.size()) + " performances (0 to " +
                             std::to_string(test.size() - 1) + ")");
  }
  return index.midi_path(*test[static_cast<std::size_t>(n)]);
}

void run(const ComposeArgs& a) {
  const std::filesystem::path prime_file =
      a.prime_from_test >= 0 ? test_performance(a.data, a.split, a.prime_from_test)
                             : std::filesystem::path(a.prime);
  check_note_selection(a.selection);
  const MidiFile prime_midi = read_midi_file(prime_file);
  std::vector<std::string> track_names;
  for (const MidiTrackInfo& t : prime_midi.tracks) track_names.push_back(t.name);
  std::vector<Note> prime_notes = select_notes(prime_midi.notes, track_names, a.selection);
  if (prime_notes.empty()) {
    throw std::runtime_error(prime_file.string() +
                             " has no notes to start from (of the tracks --tracks chooses)");
  }

  auto engine = ContinuationEngine::load(resolve_model(a.model), a.engine.compute_device(), 1,
                                         a.engine.decoder_path());
  // The prime's durations as the model learnt them (before the prime is cut: a key struck again
  // later ends the pedal's hold of the one before), as the jam hears a player's pedal.
  if (engine->sustain_pedal()) prime_notes = apply_sustain_pedal(prime_notes, prime_midi.pedals);
  const std::size_t wanted =
      static_cast<std::size_t>(a.prime_notes > 0 ? a.prime_notes : engine->context_notes());
  if (prime_notes.size() > wanted) prime_notes.resize(wanted);
  const std::vector<NoteFeatures> prime = to_features(prime_notes);
  // A prime shorter than the model reads is filled as the jam fills a player's short phrase.
  const std::vector<NoteFeatures> context =
      fill_context(prime, static_cast<std::size_t>(engine->context_notes()));
  const std::string filled_said = context.size() > prime.size()
                                      ? " (repeated to the " + std::to_string(context.size()) +
                                            " the model reads, as the jam fills a short phrase)"
                                      : "";
  SearchSettings s = a.search;
  s.sampling = kSampling.at(a.sampling);
  if (a.sampling == "greedy") s.width = 1;
  s.seed = a.seed;
  // The pace the answers keep to (--pace-ratio): the prime's, as the jam reads a player's.
  s.player_pace = a.player_pace >= 0 ? a.player_pace : phrase_pace(prime);
  // The register the answers keep near (--register-keep): the prime's, as the jam reads a player's.
  s.player_register = a.player_register >= 0 ? a.player_register : phrase_register(prime);
  s.min_pitch = a.min_pitch;
  s.max_pitch = a.max_pitch;
  std::string scale_said;
  if (a.scale == "key") {
    const music::KeyEstimate key = music::estimate_key(music::pitch_class_weights(prime_notes));
    if (!key.found) throw std::runtime_error("--scale key: the prime notes name no key");
    s.pitch_classes = music::lock_scale(key.key).pitch_classes();
    scale_said = "; in the prime's key, " + key.key.name();
  } else if (a.scale != "off") {
    const auto scale = music::parse_scale(a.scale);
    if (!scale) {
      throw std::runtime_error("--scale " + a.scale + ": not a scale (e.g. 'D minor'; the kinds: " +
                               music::scale_kind_names() + ")");
    }
    s.pitch_classes = scale->pitch_classes();
    scale_said = "; in " + scale->name();
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<NoteFeatures> song = engine->continue_song(context, a.length, s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // The prime as it was played, from 0 s; the answer from the last prime note on.
  const double t_first = prime_notes.front().start;
  for (Note& n : prime_notes) {
    n.start -= t_first;
    n.end -= t_first;
  }
  std::vector<Note> answer = from_features(song, prime_notes.back().start + song.front().step, 1);
  write_midi_file(a.out, {{"prime", 0, 0, prime_notes, {}}, {"music-lstm", 1, 0, answer, {}}});
  std::printf(
      "composed %zu notes after %zu prime notes%s from %s in %.2f s (%s; %s, width %d, "
      "temperature %g%s)\nwrote %s (tracks: prime, music-lstm)\n",
      song.size(), prime.size(), filled_said.c_str(), prime_file.filename().c_str(), seconds,
      engine->description().c_str(), a.sampling.c_str(), s.width, s.temperature, scale_said.c_str(),
      a.out.c_str());
#ifdef MUSIC_LSTM_HAVE_REALTIME
  if (!a.wav.empty()) {
    std::filesystem::path sf2 = a.soundfont;
    if (sf2.empty()) {
      const auto found = default_soundfont();
      if (!found)
        throw RenderError(
            "no General MIDI soundfont installed: install fluid-soundfont-gm or pass --soundfont");
      sf2 = *found;
    }
    const RenderResult r = render_to_wav({{prime_notes, 0, 0}, {answer, 1, 0}}, sf2, a.wav);
    std::printf("rendered %s: %.1f s at 48 kHz through %s (peak %.2f)\n", a.wav.c_str(),
                static_cast<double>(r.frames) / 48000.0, sf2.filename().c_str(), r.peak);
  }
#endif
}

}  // namespace

void add_compose_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("compose", "Continue a prime into a song of any length");
  auto a = std::make_shared<ComposeArgs>();
  cmd->add_option("--model", a->model,
                  "Model checkpoint (.ckpt; default: models/default/model.ckpt)")
      ->check(CLI::ExistingFile);
  auto* prime = cmd->add_option("--prime", a->prime, "MIDI file whose first notes start the song");
  auto* from_test = cmd->add_option("--prime-from-test", a->prime_from_test,
                                    "Take the prime from the N-th performance of the test split");
  prime->excludes(from_test);
  cmd->add_option("--data", a->data,
                  "MAESTRO folder or a folder of MIDI files, for --prime-from-test")
      ->default_str(default_data_dir().string());
  add_split_options(cmd, a->split);
  add_selection_options(cmd, a->selection);
  cmd->add_option("--prime-notes", a->prime_notes,
                  "How many notes of the prime to use (default: as many as the model reads; "
                  "fewer are repeated to fill them, as the jam fills a short phrase)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--length", a->length, "Notes to compose")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--sampling", a->sampling, "beam, greedy, stochastic-beam or sample")
      ->capture_default_str()
      ->check(CLI::IsMember({"beam", "greedy", "stochastic-beam", "sample"}));
  add_search_options(cmd, a->search);
  cmd->add_option("--seed", a->seed, "The same seed gives the same song")->capture_default_str();
  cmd->add_option("--player-pace", a->player_pace,
                  "Notes a second the answers' pace is tied to with --pace-ratio (default: the "
                  "prime's last 16 notes')")
      ->check(CLI::Range(0.0, 1000.0));
  cmd->add_option("--player-register", a->player_register,
                  "The mean MIDI pitch the answers keep near with --register-keep (default: the "
                  "prime's last 16 notes')")
      ->check(CLI::Range(0.0, 127.0));
  cmd->add_option("--scale", a->scale,
                  "off, key (the key of the prime notes) or a scale such as 'D minor': the song's "
                  "notes keep to it")
      ->capture_default_str();
  cmd->add_option("--min-pitch", a->min_pitch, "Lowest pitch of the answer")
      ->check(CLI::Range(0, 127));
  cmd->add_option("--max-pitch", a->max_pitch, "Highest pitch of the answer")
      ->check(CLI::Range(0, 127));
  add_engine_options(cmd, a->engine);
  cmd->add_option("--out", a->out, "The song as a MIDI file (prime and answer on separate tracks)")
      ->required();
#ifdef MUSIC_LSTM_HAVE_REALTIME
  cmd->add_option("--wav", a->wav, "Also render the song to this WAV file through FluidSynth");
  cmd->add_option("--soundfont", a->soundfont, "Soundfont for --wav")
      ->default_str("Debian's FluidR3_GM.sf2 or TimGM6mb.sf2");
#endif
  cmd->footer(
      "Examples:\n"
      "  music-lstm compose --model runs/default/best.ckpt --prime phrase.mid --out song.mid\n"
      "  music-lstm compose --model m.ckpt --prime-from-test 3 --length 600 --beam 20 --out s.mid");
  cmd->callback([a] {
    if (a->prime.empty() && a->prime_from_test < 0) {
      throw std::runtime_error("compose needs a prime: --prime FILE.mid or --prime-from-test N");
    }
    if (a->min_pitch > a->max_pitch) throw std::runtime_error("--min-pitch is above --max-pitch");
    run(*a);
  });
}

}  // namespace mlstm::app
