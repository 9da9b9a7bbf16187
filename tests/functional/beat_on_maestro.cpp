// The beat estimate (music/beat_estimate.hpp) on real performances, as a jam uses it: from a
// phrase (the first --phrase seconds of an excerpt), it must predict the beat of the music that
// goes on. The reference is the beat of the whole --excerpt seconds, where that beat is steady:
// excerpts where fewer than --stable of the 12 s grid's beats have an event, or the events on
// them stray more than --deviation ms (root mean square) from it (a rubato passage, a free
// cadenza), are left out and counted. Case by case: the phrase's tempo within
// 3% of the excerpt's, and its beat, carried to the phrase's end, within 30 ms of the excerpt's
// there. Fails when fewer than --min-correct of the cases hold.
//
// With --agreement, it also says how often the reference's own method (the grid search without
// recency) agrees with itself from the first 6, 8, 10 and 11 s of the excerpt, by the same test:
// what the first seconds of a steady excerpt can tell of the beat the whole of it settles on.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "functional/maestro_split.hpp"
#include "functional/notes_between.hpp"
#include "midi/midi_file.hpp"
#include "music/beat_estimate.hpp"

namespace {

using namespace mlstm;
using namespace mlstm::music;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: beat_on_maestro MAESTRO_DIR [--split test] [--excerpts 3] "
                 "[--excerpt 12] [--phrase 6] [--stable 0.8] [--deviation 25] [--min-correct 0.9] "
                 "[--list] [--agreement]\n");
    return 2;
  }
  const std::filesystem::path root = argv[1];
  std::string split_name = "test";
  int per_performance = 3;
  double excerpt = 12, phrase = 6, stable = 0.8, max_deviation = 0.025, min_correct = 0.0;
  bool list = false, agreement = false;
  const std::vector<double> spans = {6, 8, 10, 11};
  std::vector<int> agree(spans.size(), 0);
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--split" && more)
      split_name = argv[++i];
    else if (a == "--excerpts" && more)
      per_performance = std::atoi(argv[++i]);
    else if (a == "--excerpt" && more)
      excerpt = std::atof(argv[++i]);
    else if (a == "--phrase" && more)
      phrase = std::atof(argv[++i]);
    else if (a == "--stable" && more)
      stable = std::atof(argv[++i]);
    else if (a == "--deviation" && more)
      max_deviation = std::atof(argv[++i]) / 1000.0;
    else if (a == "--min-correct" && more)
      min_correct = std::atof(argv[++i]);
    else if (a == "--list")
      list = true;
    else if (a == "--agreement")
      agreement = true;
  }
  MaestroIndex index;
  Split split = Split::kTest;
  if (const int code = test::open_maestro_split(root, split_name, index, split); code != 0) {
    return code;
  }
  std::mt19937 rng(17);
  int excerpts = 0, unsteady = 0, cases = 0, tempo_ok = 0, both_ok = 0, octave = 0;
  for (const Performance* p : index.of_split(split)) {
    MidiFile file;
    try {
      file = read_midi_file(index.midi_path(*p));
    } catch (const std::exception& e) {
      std::printf("skipped %s: %s\n", p->midi_filename.c_str(), e.what());
      continue;
    }
    if (file.duration < 3 * excerpt) continue;
    std::uniform_real_distribution<double> where(0.0, file.duration - excerpt);
    for (int k = 0; k < per_performance; ++k) {
      const double from = where(rng);
      ++excerpts;
      // The reference weighs the whole excerpt alike (no half-life): its beat at the phrase's
      // end is the steady excerpt's.
      BeatOptions whole;
      whole.recency = 1e9;
      const BeatEstimate reference =
          estimate_beat(test::notes_between(file.notes, from, from + excerpt), whole);
      if (!reference.found || reference.coverage < stable || reference.deviation > max_deviation) {
        ++unsteady;
        continue;
      }
      const std::vector<Note> heard = test::notes_between(file.notes, from, from + phrase);
      const BeatEstimate live = estimate_beat(heard);
      double end = from;
      for (const Note& n : heard) end = std::max(end, n.end);
      const double truth = reference.nearest_beat(end);
      const bool t_ok = live.found && std::abs(live.period / reference.period - 1.0) <= 0.03;
      const bool b_ok = t_ok && std::abs(live.nearest_beat(truth) - truth) <= 0.030;
      if (agreement) {
        for (std::size_t i = 0; i < spans.size(); ++i) {
          const BeatEstimate part =
              estimate_beat(test::notes_between(file.notes, from, from + spans[i]), whole);
          agree[i] += part.found && std::abs(part.period / reference.period - 1.0) <= 0.03 &&
                      std::abs(part.nearest_beat(truth) - truth) <= 0.030;
        }
      }
      const double ratio = live.period / reference.period;
      ++cases;
      tempo_ok += t_ok;
      both_ok += b_ok;
      octave += live.found && (std::abs(ratio - 2) < 0.06 || std::abs(ratio - 0.5) < 0.03 ||
                               std::abs(ratio - 1.5) < 0.045 || std::abs(ratio - 2.0 / 3) < 0.02);
      if (list || !b_ok) {
        std::printf(
            "%-4s %5.1f bpm (beats heard %.2f, +-%2.0f ms) heard as %5.1f bpm; beat off "
            "by %4.0f ms: %s at %.0f s\n",
            b_ok ? "ok" : "miss", reference.bpm(), reference.coverage, 1000 * reference.deviation,
            live.found ? live.bpm() : 0.0,
            live.found ? 1000 * std::abs(live.nearest_beat(truth) - truth) : 0.0,
            p->midi_filename.c_str(), from);
      }
    }
  }
  if (cases == 0) {
    std::printf("no steady excerpt: skipped\n");
    return 77;
  }
  const double correct = static_cast<double>(both_ok) / cases;
  std::printf(
      "%d excerpts of %.0f s from the %s split, %d steady (%d left out); from their first %.0f s: "
      "tempo within 3%% in %d (%.1f%%), and the beat within 30 ms at the phrase's end in %d "
      "(%.1f%%); another metrical level (x2, x1/2, x3/2, x2/3) in %d\n",
      excerpts, excerpt, split_name.c_str(), cases, unsteady, phrase, tempo_ok,
      100.0 * tempo_ok / cases, both_ok, 100.0 * correct, octave);
  if (agreement) {
    std::printf("the reference's own method from the excerpt's first seconds, by the same test:");
    for (std::size_t i = 0; i < spans.size(); ++i) {
      std::printf(" %.0f s %.1f%%%s", spans[i], 100.0 * agree[i] / cases,
                  i + 1 < spans.size() ? "," : "\n");
    }
  }
  if (correct < min_correct) {
    std::printf("FAIL: fewer than %.0f%% of the cases hold\n", 100.0 * min_correct);
    return 1;
  }
  return 0;
}
