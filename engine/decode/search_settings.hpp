#pragma once
// How a continuation is searched for: the settings of beam search and sampling (torch-free, so
// the real-time side and the panel can hold them). The search itself: decode/beam_search.hpp.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "decode/onset_limits.hpp"
#include "midi/fill_context.hpp"
#include "midi/note_features.hpp"

namespace mlstm {

// Every pitch class allowed (SearchSettings::pitch_classes).
inline constexpr std::uint16_t kAllPitchClasses = 0x0FFF;

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How the next notes are chosen.
//  kBeam: the `width` most likely continuations (width 1 is greedy decoding).
//  kStochasticBeam: Gumbel-top-k stochastic beam search (Kool, van Hoof and Welling, 2019):
//    `width` continuations drawn without replacement, so temperature matters even when the beam
//    is wide. Here it draws among the candidates a beam of that width would consider (each head's
//    `width` most likely classes), not among every class.
//  kSample: one continuation, each head sampled from its softmax after temperature, top-k and
//    top-p (nucleus) filtering.
enum class Sampling { kBeam, kStochasticBeam, kSample };

struct SearchSettings {
  Sampling sampling = Sampling::kBeam;
  int width = 8;                       // 1: greedy
  double temperature = 1.0;            // > 0: divides every head's logits
  int length = 50;                     // notes to add
  int min_pitch = 0, max_pitch = 127;  // the pitches the answer may use
  // The pitch classes the answer may use: bit c (C = 0, C# = 1, ... B = 11) set allows them. A
  // scale lock clears the others; the search masks them, so no beam spends its width on them.
  std::uint16_t pitch_classes = kAllPitchClasses;
  double min_duration = 0.02;  // seconds: no note is shorter (a note must sound)
  int top_k = 0;               // kSample: keep this many classes per head; 0: all
  double top_p = 1.0;          // kSample: keep the smallest set with this much probability
  std::uint64_t seed = 0;      // kStochasticBeam and kSample: the same seed, the same notes
  // Repetition penalty: each time a pitch occurs among the last `repetition_window` notes (the
  // context's and the answer's), its log-probability is lowered by `repetition_penalty` nats, so a
  // pitch played often lately costs more (a frequency penalty, as in language models; Keskar et
  // al., 2019, penalise every earlier token). Beam search's likeliest path tends to loop on two
  // pitches (docs/MODELS.md); the penalty grows with the loop and leaves varied music nearly
  // alone. 0: off. Scores and SearchResult::log_prob include it.
  // kBeam and kStochasticBeam: search the pitches only, and draw each chosen note's step, duration
  // and velocity classes from their softmax (after temperature). Beam search picks the likeliest
  // timing class every time, so its rhythms are more regular than a pianist's (docs/MODELS.md);
  // drawn, they follow the model's distribution. Regression heads are not drawn.
  bool sample_timing = false;
  // Multiplies `temperature` for the step and duration heads alone: below 1 the timing keeps
  // nearer the model's likeliest classes (fewer long pauses, slower answers hurried up), above 1
  // it loosens. Searched or drawn, every sampling method.
  double timing_temperature = 1.0;  // > 0
  double repetition_penalty = 0.0;  // nats per occurrence, 0..10
  int repetition_window = 16;       // notes, 1..256, of every repetition rule
  // Loop control without taxing a pitch (decode/loop_control.hpp): nats off the pitch that would
  // repeat a pitch n-gram of `loop_ngram` notes (2..8; 0: off), and off the pitch that would repeat
  // an interval figure of three intervals, for each earlier occurrence within the window.
  int loop_ngram = 0;
  double loop_penalty = 0.0;    // nats per occurrence, 0..20
  double figure_penalty = 0.0;  // nats per occurrence, 0..20
  // Playability (decode/onset_limits.hpp), kept by every sampling method and timing: at most
  // `max_cluster` notes start within 30 ms, and note n of the answer starts no earlier than
  // (n - max_cluster) / max_pace seconds after its first. Their ranges keep every answer playable.
  int max_cluster = kDefaultMaxCluster;  // 1..kMaxPlayableCluster
  double max_pace = kDefaultMaxPace;     // notes a second, kMinPaceLimit..kMaxPaceLimit
  double time_scale = 1.0;  // the answer is played this much slower (the jam's tempo knob)
  // The player's pace: notes a second of the player's last notes before the answer (for a
  // continuous chain, those it started from, carried through every chained answer; phrase_pace()),
  // as heard; 0: unknown. With pace_ratio above 0 an answer's pace limit is at most pace_ratio
  // times it (never under kMinPaceLimit; decode/onset_limits.hpp): a chain that reads its own
  // answers cannot speed up answer by answer, since the limit stays tied to the player. 0: off.
  double player_pace = 0.0;  // notes a second, >= 0
  double pace_ratio = 0.0;   // 0 (off) to kMaxPaceRatio
  // Figure recall (decode/figure_recall.hpp): nats toward the pitch that completed the last three
  // pitches' figure where it was played before (the player's or the answer's), 0 (off) to
  // kMaxRecall.
  double recall = 0.0;
  // Keeping to a register (decode/register_keep.hpp): of the beams the search ends with, the
  // answer is the best by its score less `register_keep` nats per semitone that its register
  // moves from its first half to its second and lies from `player_register`, the mean pitch of
  // the player's last notes (phrase_register(); for a chain, those it started from; 0: unknown,
  // only the drift counts). 0 (off) to kMaxRegisterKeep; no effect on sampling (one beam).
  double register_keep = 0.0;
  double player_register = 0.0;  // MIDI pitch, 0 (unknown) to 127
  // false: the search without those limits, for the tests that compare it with reference
  // decoders and for eval's measure of what the limits change (`eval --unlimited`); never offered
  // to a player.
  bool playable = true;
  // The reference algorithm of the original project, for tests and benchmarks: re-run the decoder
  // over each beam's whole prefix at every step instead of carrying its state.
  bool redecode_prefix = false;

  // Every field: a speculative answer is reused only for the very settings it was asked with.
  bool operator==(const SearchSettings&) const = default;
};

// Drawn timing is the jam's, `compose`'s and `eval`'s default: on 40 MAESTRO test prompts with
// the shipped model and the playability limits, searched timing stacked notes up to the cluster
// limit (median largest cluster 6 in call and response, 8 in a continuous chain; real music 4) and
// hurried (median span 0.81x the real music's, 0.53x chained); drawn timing gave clusters of 3 and
// 2, spans of 1.46x and 1.74x, and IOI overlap 0.832 against 0.554 (docs/MODELS.md).
inline constexpr bool kDefaultSampleTiming = true;

// The timing temperature the jam, `compose` and `eval` use unless told otherwise: chosen on the
// validation split with scripts/sweep_decoding.py, whose criterion includes what a listener hears
// (docs/MODELS.md, "Decoding"). At 1, drawn timing let the answers linger: chained answers spanned
// 1.67x the real music that followed (100 validation prompts); 0.85 brought that to 1.47x and
// call-and-response to 1.08x with the same median cluster (3; chained 2), and the best mean
// overlap of the settings within the bounds. Lower still, chords stack again (0.5: chained 6).
inline constexpr double kDefaultTimingTemperature = 0.85;

// The repetition penalty the jam, `compose` and `eval` use unless told otherwise: chosen on the
// validation split with scripts/sweep_decoding.py (docs/MODELS.md, "Decoding").
inline constexpr double kDefaultRepetitionPenalty = 0.75;

// The sampling method, width and pace ratio the jam, `compose` and `eval` use unless told
// otherwise. By the listener's test (docs/MODELS.md, "The listener's test"), plain beam search's
// likeliest pitches run in scales across the keyboard: a classifier over a listener's figures told
// its answers to 200 validation phrases from the real music that followed 79% of the time (88% in
// a continuous chain), stochastic beam search at width 4 73.8% (79.4%). But drawn beams let a long
// continuous chain speed up part by part: in 10 minutes of continuous mode from a MAESTRO test
// phrase the model's note events reached 65.8 a second over 10 s (with the pedal 76.0), more than
// the real performances' most (61.6), which issue 15 forbids. Each answer's pace held within 1.5
// times the player's (SearchSettings::pace_ratio) keeps the chain to the player: at most 39.1
// events a second (with the pedal 39.9; from two other phrases 52.2 and 32.2), and the test's
// accuracy the same (73.5%, 80.3%; on the test split 72.8% and 81.0%, beam search 75.8% and
// 89.6%). At 2 times, one chain reached 65.2 with the pedal; at 3, 75.2.
inline constexpr Sampling kDefaultSampling = Sampling::kStochasticBeam;
inline constexpr int kDefaultWidth = 4;
inline constexpr double kDefaultPaceRatio = 1.5;
// Figure recall and keeping to a register, and a chain's parts reading the player's last notes
// (midi/fill_context.hpp, chain_context()): chained answers still wandered off in register (6.0
// semitones from their first half to their second, the real music 2.8) and never played a figure
// again, and a listener's test told them from the real music 81.3% of the time on 400 validation
// phrases (call and response 75.0%). With the three, 75.9% (68.2%); on the test split's 200
// phrases 76.5% (69.5%) against 81.0% (72.8%) (docs/MODELS.md, "Figure recall, a register kept,
// a chain that remembers the player").
inline constexpr double kDefaultRecall = 2.0;
inline constexpr double kDefaultRegisterKeep = 1.0;
// The decoding the jam, `compose` and `eval` start from: the defaults above over the search's own.
inline SearchSettings default_search_settings() {
  SearchSettings s;
  s.sampling = kDefaultSampling;
  s.width = kDefaultWidth;
  s.repetition_penalty = kDefaultRepetitionPenalty;
  s.sample_timing = kDefaultSampleTiming;
  s.timing_temperature = kDefaultTimingTemperature;
  s.pace_ratio = kDefaultPaceRatio;
  s.recall = kDefaultRecall;
  s.register_keep = kDefaultRegisterKeep;
  return s;
}

// What a search found.
struct SearchResult {
  std::vector<NoteFeatures> notes;  // the continuation, `length` notes
  double log_prob = 0.0;            // of the chosen notes' classes, at the given temperature
};

// A continuous chain from any search: goes on from `player` (the notes it answers, as long as the
// model reads: `context_notes`) and `chain` (its parts so far, maybe none) by `settings.length`
// notes at a time until `total` more are added to `chain`. Each part reads chain_context(): the
// newest notes, the player's last ones kept at their head. The seed moves on each part, so drawn
// parts differ.
template <typename Search>
void extend_chain(Search&& search, std::span<const NoteFeatures> player,
                  std::vector<NoteFeatures>& chain, int total, const SearchSettings& settings,
                  std::size_t context_notes) {
  SearchSettings s = settings;
  int added = 0;
  while (added < total) {
    s.length = std::min(settings.length, total - added);
    const std::vector<NoteFeatures> context = chain_context(player, chain, context_notes);
    const SearchResult r = search(std::span<const NoteFeatures>(context), s);
    chain.insert(chain.end(), r.notes.begin(), r.notes.end());
    added += s.length;
    ++s.seed;
  }
}

// A song of any length from any search: `prime` continued as a chain (extend_chain()) by `total`
// notes.
template <typename Search>
std::vector<NoteFeatures> continue_song_with(Search&& search, std::span<const NoteFeatures> prime,
                                             int total, const SearchSettings& settings,
                                             std::size_t context_notes) {
  std::vector<NoteFeatures> song;
  extend_chain(search, prime, song, total, settings, context_notes);
  return song;
}

// "beam", "stochastic-beam", "sample" (the names the command line, presets and reports use).
inline const char* sampling_name(Sampling sampling) {
  switch (sampling) {
    case Sampling::kBeam:
      return "beam";
    case Sampling::kStochasticBeam:
      return "stochastic-beam";
    case Sampling::kSample:
      return "sample";
  }
  return "beam";
}

// The inverse; "greedy" is beam search (at width 1, which the caller sets).
inline std::optional<Sampling> parse_sampling(const std::string& name) {
  if (name == "beam" || name == "greedy") return Sampling::kBeam;
  if (name == "stochastic-beam") return Sampling::kStochasticBeam;
  if (name == "sample") return Sampling::kSample;
  return std::nullopt;
}

}  // namespace mlstm
