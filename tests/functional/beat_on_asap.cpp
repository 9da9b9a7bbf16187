// The beat estimate (music/beat_estimate.hpp) against beats that people marked: the ASAP dataset
// (github.com/fosfrancesco/asap-dataset, CC BY-NC-SA 4.0, not shipped with us) annotates the
// beats and downbeats of MAESTRO performances by hand. beat_on_maestro's reference is the beat
// our own grid search finds in the whole excerpt, so it cannot say whether a tracker that differs
// from that search is wrong or right; this one can.
//
// Excerpts of --excerpt seconds are cut from each annotated performance of a MAESTRO split
// (seeded); an excerpt is steady when every annotated beat interval in it is within --steady of
// their median (a ritardando, a fermata or a free cadenza leaves it out, counted). Case by case,
// the live estimate from the first --phrase seconds must have the excerpt's tempo within 3% (the
// median interval, at the annotators' level) and a beat within 30 ms of the annotated beat
// nearest the phrase's end: beat_on_maestro's test, with people's beats. Also said: how often
// our grid search over the whole excerpt (beat_on_maestro's reference) agrees with the people.
//
//   beat_on_asap ASAP_DIR MAESTRO_DIR [--split test] [--excerpts 3] [--excerpt 12] [--phrase 6]
//                [--steady 0.2] [--min-correct 0] [--list]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "eval/playability_figures.hpp"
#include "functional/maestro_split.hpp"
#include "functional/notes_between.hpp"
#include "midi/midi_file.hpp"
#include "music/beat_estimate.hpp"

namespace {

using namespace mlstm;
using namespace mlstm::music;

struct AsapPerformance {
  std::string midi;         // the performance, relative to the ASAP folder
  std::string annotations;  // its beats, relative to the ASAP folder
  std::string maestro;      // the same performance in MAESTRO, relative to MAESTRO's folder
};

std::vector<std::string> split_fields(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// ASAP's metadata.csv: the performances that are MAESTRO's (its fields have no quotes or commas).
std::vector<AsapPerformance> read_asap(const std::filesystem::path& root) {
  std::ifstream in(root / "metadata.csv");
  if (!in) throw std::runtime_error("no metadata.csv in " + root.string());
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_fields(line, ',');
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error("metadata.csv has no column " + name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t midi = column("midi_performance"), beats = column("performance_annotations"),
                    maestro = column("maestro_midi_performance");
  std::vector<AsapPerformance> out;
  const std::string prefix = "{maestro}/";
  while (std::getline(in, line)) {
    const std::vector<std::string> f = split_fields(line, ',');
    if (f.size() != header.size() || f[maestro].rfind(prefix, 0) != 0) continue;
    out.push_back({f[midi], f[beats], f[maestro].substr(prefix.size())});
  }
  return out;
}

// The annotated beats (b, db and bR alike), in seconds: the first column of each line.
std::vector<double> read_beats(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<double> beats;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    beats.push_back(std::stod(line));
  }
  std::sort(beats.begin(), beats.end());
  return beats;
}

// The annotated beat nearest `t`.
double nearest(const std::vector<double>& beats, double t) {
  const auto it = std::lower_bound(beats.begin(), beats.end(), t);
  if (it == beats.begin()) return *it;
  if (it == beats.end()) return beats.back();
  return (*it - t < t - *(it - 1)) ? *it : *(it - 1);
}

// The test of beat_on_maestro: tempo within 3%, a beat within 30 ms of `truth`.
bool holds(const BeatEstimate& e, double period, double truth) {
  return e.found && std::abs(e.period / period - 1.0) <= 0.03 &&
         std::abs(e.nearest_beat(truth) - truth) <= 0.030;
}

// The test at the annotated level or the one above or below it (the "allowed metrical levels" of
// beat tracking's evaluations, Davies et al. 2009): a grid twice as fast whose beats include the
// annotated ones, or half as fast on every other annotated beat.
bool holds_at_a_level(const BeatEstimate& e, double period, double truth) {
  if (holds(e, period, truth) || holds(e, period / 2, truth)) return true;
  return holds(e, 2 * period, truth) || holds(e, 2 * period, truth - period) ||
         holds(e, 2 * period, truth + period);
}

// Which metrical level an estimate took, against the annotated period: "x2" is twice as fast.
const char* level(const BeatEstimate& e, double period) {
  if (!e.found) return "none";
  const double r = period / e.period;  // beats of the estimate per annotated beat
  for (const auto& [ratio, name] : std::vector<std::pair<double, const char*>>{{1.0, "x1"},
                                                                               {2.0, "x2"},
                                                                               {0.5, "x1/2"},
                                                                               {3.0, "x3"},
                                                                               {1.0 / 3, "x1/3"},
                                                                               {1.5, "x3/2"},
                                                                               {2.0 / 3, "x2/3"},
                                                                               {4.0, "x4"},
                                                                               {0.25, "x1/4"}}) {
    if (std::abs(r / ratio - 1.0) <= 0.03) return name;
  }
  return "other";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The beat estimate on MAESTRO excerpts against the ASAP dataset's annotated beats"};
  std::filesystem::path asap_dir, maestro_dir;
  std::string split_name = "test";
  int per_performance = 3;
  double excerpt = 12, phrase = 6, steady = 0.20, min_correct = 0.0;
  bool list = false;
  BeatOptions live_options;
  app.add_option("asap", asap_dir, "the ASAP dataset's folder (git clone of asap-dataset)")
      ->required();
  app.add_option("maestro", maestro_dir, "MAESTRO v3.0.0's folder (for the splits)")->required();
  app.add_option("--split", split_name, "train, validation or test")->capture_default_str();
  app.add_option("--excerpts", per_performance, "excerpts cut from each performance")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--excerpt", excerpt, "seconds of each excerpt")
      ->check(CLI::Range(4.0, 120.0))
      ->capture_default_str();
  app.add_option("--phrase", phrase, "seconds the estimate hears, from the excerpt's start")
      ->check(CLI::Range(1.0, 120.0))
      ->capture_default_str();
  app.add_option("--steady", steady,
                 "an excerpt is steady when every beat interval is within this share of their "
                 "median")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--min-correct", min_correct, "fail below this share of cases")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_flag("--list", list, "a line for every case, not only the misses");
  // The live estimate's options, to measure another setting than the jam's.
  app.add_option("--prior-bpm", live_options.prior_bpm, "the tempo the estimate prefers")
      ->check(CLI::Range(20.0, 300.0))
      ->capture_default_str();
  app.add_option("--prior-octaves", live_options.prior_octaves, "how strongly (octaves)")
      ->check(CLI::Range(0.1, 10.0))
      ->capture_default_str();
  app.add_option("--recency", live_options.recency, "the refinement's half-life, seconds")
      ->check(CLI::Range(0.1, 1e9))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!std::filesystem::exists(asap_dir / "metadata.csv")) {
    std::printf(
        "the ASAP dataset is not at %s (git clone "
        "https://github.com/fosfrancesco/asap-dataset): skipped\n",
        asap_dir.c_str());
    return 77;
  }
  MaestroIndex index;
  Split split = Split::kTest;
  if (const int code = test::open_maestro_split(maestro_dir, split_name, index, split); code != 0) {
    return code;
  }
  std::map<std::string, Split> split_of;
  for (const Performance& p : index.performances) split_of[p.midi_filename] = p.split;

  // beat_on_maestro's reference: the whole excerpt weighed alike (no half-life).
  BeatOptions flat;
  flat.recency = 1e9;
  std::mt19937 rng(17);
  int performances = 0, excerpts = 0, unsteady = 0, cases = 0, tempo_ok = 0, live_ok = 0,
      whole_ok = 0, level_ok = 0;
  std::vector<double> annotated_bpm;
  std::map<std::string, int> levels;
  for (const AsapPerformance& a : read_asap(asap_dir)) {
    const auto it = split_of.find(a.maestro);
    if (it == split_of.end() || it->second != split) continue;
    MidiFile file;
    std::vector<double> beats;
    try {
      file = read_midi_file(asap_dir / a.midi);
      beats = read_beats(asap_dir / a.annotations);
    } catch (const std::exception& e) {
      std::printf("skipped %s: %s\n", a.midi.c_str(), e.what());
      continue;
    }
    if (beats.size() < 16 || beats.back() - beats.front() < 2 * excerpt) continue;
    ++performances;
    std::uniform_real_distribution<double> where(beats.front(), beats.back() - excerpt);
    for (int k = 0; k < per_performance; ++k) {
      const double from = where(rng);
      ++excerpts;
      std::vector<double> in, intervals;
      for (const double b : beats) {
        if (b >= from && b <= from + excerpt) in.push_back(b);
      }
      for (std::size_t i = 1; i < in.size(); ++i) intervals.push_back(in[i] - in[i - 1]);
      if (intervals.size() < 4) {
        ++unsteady;
        continue;
      }
      const double period = median(intervals);
      if (std::any_of(intervals.begin(), intervals.end(),
                      [&](double d) { return std::abs(d / period - 1.0) > steady; })) {
        ++unsteady;
        continue;
      }
      const std::vector<Note> heard = test::notes_between(file.notes, from, from + phrase);
      double end = from;
      for (const Note& n : heard) end = std::max(end, n.end);
      end = std::min(end, from + excerpt);
      const double truth = nearest(beats, end);
      const BeatEstimate live = estimate_beat(heard, live_options);
      const BeatEstimate whole =
          estimate_beat(test::notes_between(file.notes, from, from + excerpt), flat);
      ++cases;
      const bool ok = holds(live, period, truth);
      tempo_ok += live.found && std::abs(live.period / period - 1.0) <= 0.03;
      live_ok += ok;
      whole_ok += holds(whole, period, truth);
      level_ok += holds_at_a_level(live, period, truth);
      annotated_bpm.push_back(60.0 / period);
      ++levels[level(live, period)];
      if (list || !ok) {
        std::printf(
            "%-4s %5.1f bpm annotated, heard as %5.1f bpm (%s); beat off by %4.0f ms: "
            "%s at %.0f s\n",
            ok ? "ok" : "miss", 60.0 / period, live.found ? live.bpm() : 0.0, level(live, period),
            live.found ? 1000 * std::abs(live.nearest_beat(truth) - truth) : 0.0, a.midi.c_str(),
            from);
      }
    }
  }
  if (cases == 0) {
    std::printf("no steady annotated excerpt in the %s split: skipped\n", split_name.c_str());
    return 77;
  }
  const double correct = static_cast<double>(live_ok) / cases;
  std::printf(
      "%d annotated performances of the %s split, %d excerpts of %.0f s, %d steady (%d left "
      "out); from their first %.0f s: tempo within 3%% of the annotated in %d (%.1f%%), and a "
      "beat within 30 ms of the annotated one at the phrase's end in %d (%.1f%%)\n",
      performances, split_name.c_str(), excerpts, excerpt, cases, unsteady, phrase, tempo_ok,
      100.0 * tempo_ok / cases, live_ok, 100.0 * correct);
  std::printf("at the annotated level, twice as fast or half as fast: %d (%.1f%%)\n", level_ok,
              100.0 * level_ok / cases);
  std::sort(annotated_bpm.begin(), annotated_bpm.end());
  std::printf("annotated tempo: median %.0f bpm, middle half %.0f-%.0f bpm\n",
              annotated_bpm[annotated_bpm.size() / 2], annotated_bpm[annotated_bpm.size() / 4],
              annotated_bpm[annotated_bpm.size() * 3 / 4]);
  std::printf("the metrical level heard, against the annotated:");
  for (const auto& [name, n] : levels) std::printf(" %s %d", name.c_str(), n);
  std::printf(
      "\nour grid search over the whole %.0f s excerpt (beat_on_maestro's reference) by "
      "the same test: %d (%.1f%%)\n",
      excerpt, whole_ok, 100.0 * whole_ok / cases);
  if (correct < min_correct) {
    std::printf("FAIL: fewer than %.0f%% of the cases hold\n", 100.0 * min_correct);
    return 1;
  }
  return 0;
}
