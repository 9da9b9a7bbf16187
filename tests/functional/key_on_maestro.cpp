// The key estimate (music/key_estimate.hpp) on real performances: every MAESTRO performance of the
// chosen split whose title names its key ("Sonata in E-flat Major", "Etude in C-sharp Minor"),
// estimated from its opening (a piece states its key first; a multi-movement title names the
// first movement's, and a whole performance modulates). Prints the figures of docs/MODELS.md and
// fails when fewer than --min-correct are read exactly.
//
// Counted as MIREX's key-finding task counts: exact 1, the dominant or subdominant 0.5, the
// relative major or minor 0.3, the parallel 0.2.
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "functional/maestro_split.hpp"
#include "midi/midi_file.hpp"
#include "music/key_estimate.hpp"

namespace {

using namespace mlstm;
using namespace mlstm::music;

std::optional<Scale> key_in_title(const std::string& title) {
  static const std::regex kKey(R"(\b([A-Ga-g])(?:[- ]?(flat|sharp))?[- ]+(major|minor)\b)",
                               std::regex::icase);
  std::smatch m;
  if (!std::regex_search(title, m, kKey)) return std::nullopt;
  const std::string text = m[1].str() + (m[2].matched ? m[2].str() : "") + " " + m[3].str();
  return parse_scale(text);
}

double mirex_score(const Scale& truth, const Scale& guess) {
  if (truth == guess) return 1.0;
  if (truth.kind == guess.kind &&
      ((guess.tonic - truth.tonic + 12) % 12 == 7 || (guess.tonic - truth.tonic + 12) % 12 == 5)) {
    return 0.5;
  }
  const int relative =
      truth.kind == ScaleKind::kMajor ? (truth.tonic + 9) % 12 : (truth.tonic + 3) % 12;
  if (truth.kind != guess.kind && guess.tonic == relative) return 0.3;
  if (truth.kind != guess.kind && guess.tonic == truth.tonic) return 0.2;
  return 0.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: key_on_maestro MAESTRO_DIR [--split test] [--seconds 30] "
                 "[--min-correct 0.6] [--list]\n");
    return 2;
  }
  const std::filesystem::path root = argv[1];
  std::string split_name = "test";
  double seconds = 30, min_correct = 0.0;
  bool list = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--split" && i + 1 < argc)
      split_name = argv[++i];
    else if (a == "--seconds" && i + 1 < argc)
      seconds = std::atof(argv[++i]);
    else if (a == "--min-correct" && i + 1 < argc)
      min_correct = std::atof(argv[++i]);
    else if (a == "--list")
      list = true;
  }
  MaestroIndex index;
  Split split = Split::kTest;
  if (const int code = test::open_maestro_split(root, split_name, index, split); code != 0) {
    return code;
  }
  int cases = 0, exact = 0, fifth = 0, relative = 0, parallel = 0;
  double score = 0;
  for (const Performance* p : index.of_split(split)) {
    const auto truth = key_in_title(p->title);
    if (!truth) continue;
    MidiFile file;
    try {
      file = read_midi_file(index.midi_path(*p));
    } catch (const std::exception& e) {
      std::printf("skipped %s: %s\n", p->midi_filename.c_str(), e.what());
      continue;
    }
    std::vector<Note> opening;
    for (const Note& n : file.notes) {
      if (n.start < seconds) opening.push_back(n);
    }
    const KeyEstimate e = estimate_key(pitch_class_weights(opening));
    const double s = e.found ? mirex_score(*truth, e.key) : 0.0;
    ++cases;
    score += s;
    exact += s == 1.0;
    fifth += s == 0.5;
    relative += s == 0.3;
    parallel += s == 0.2;
    if (list || s < 1.0) {
      std::printf("%-5s %-14s read as %-14s %s: %s\n", s == 1.0 ? "ok" : "miss",
                  truth->name().c_str(), e.found ? e.key.name().c_str() : "(none)",
                  p->composer.c_str(), p->title.c_str());
    }
  }
  if (cases == 0) {
    std::printf("no %s performance names its key: skipped\n", split_name.c_str());
    return 77;
  }
  const double correct = static_cast<double>(exact) / cases;
  std::printf(
      "%d %s performances whose title names the key, first %.0f s: %d exact (%.1f%%), %d a fifth "
      "off, %d relative, %d parallel; MIREX weighted score %.3f\n",
      cases, split_name.c_str(), seconds, exact, 100.0 * correct, fifth, relative, parallel,
      score / cases);
  if (correct < min_correct) {
    std::printf("FAIL: fewer than %.0f%% read exactly\n", 100.0 * min_correct);
    return 1;
  }
  return 0;
}
