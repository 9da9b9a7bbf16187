// music-lstm eval: a model measured on a split of MAESTRO or of a folder of MIDI files
// (training/eval/model_eval.hpp).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <stdexcept>

#include "commands/commands.hpp"
#include "commands/data_cli.hpp"
#include "commands/decoding_cli.hpp"
#include "eval/model_eval.hpp"
#include "jam/bundled_files.hpp"
#include "maestro/dataset.hpp"
#include "maestro/note_cache.hpp"
#include "model/checkpoint.hpp"

namespace mlstm::app {
namespace {

struct EvalArgs {
  EvalOptions o;
  std::string model, data, split = "test", sampling = sampling_name(kDefaultSampling);
  std::string out = "eval-report";
  std::string decoder = "auto";
  bool quiet = false;
};

int run_eval(EvalArgs& a) {
  try {
    a.o.model = resolve_model(a.model);
    a.o.data = a.data.empty() ? default_data_dir() : std::filesystem::path(a.data);
    a.o.cache_root = default_cache_root();
    a.o.out = a.out;
    const auto split = parse_split(a.split);
    if (!split)
      throw std::invalid_argument("--split " + a.split + ": expected train, validation or test");
    a.o.split = *split;
    const auto sampling = parse_sampling(a.sampling);
    if (!sampling) {
      throw std::invalid_argument("--sampling " + a.sampling +
                                  ": expected beam, greedy, stochastic-beam or sample");
    }
    a.o.search.sampling = *sampling;
    if (a.sampling == "greedy") a.o.search.width = 1;
    a.o.progress = !a.quiet;
    const nlohmann::json r = evaluate_model(a.o);
    const auto& l = r.at("likelihood");
    const auto& c = r.at("continuations");
    const auto& p = r.at("repetition");
    std::printf(
        "%s on the %s split: pitch NLL %.3f nats, step error %.1f ms (from the median: %.1f ms), "
        "duration error %.1f ms%s\n"
        "continuations: pitch-class overlap %.3f, IOI overlap %.3f, duration overlap %.3f\n"
        "songs of %d notes: longest 2-pitch run %.1f on average, %.1f%% stuck (16+), %.3f "
        "distinct 4-grams\n",
        r.at("model").at("name").get<std::string>().c_str(),
        r.at("split").get<std::string>().c_str(), l.at("pitch_nll").get<double>(),
        l.at("step_mae_ms").get<double>(), l.at("step_median_mae_ms").get<double>(),
        l.at("duration_mae_ms").get<double>(),
        r.at("sustain_pedal").get<bool>() ? " (durations as heard under the pedal)" : "",
        c.at("pitch_class_overlap").get<double>(),
        c.at("inter_onset_interval_overlapping_area").get<double>(),
        c.at("duration_overlapping_area").get<double>(), p.at("song_notes").get<int>(),
        p.at("longest_two_pitch_run_mean").get<double>(), 100 * p.at("share_stuck").get<double>(),
        p.at("distinct_four_gram_share").get<double>());
    if (r.contains("listener") && r.at("listener").contains("skipped")) {
      std::printf("listener's test: skipped: %s\n",
                  r.at("listener").at("skipped").get<std::string>().c_str());
    } else if (r.contains("listener")) {
      const auto& listener = r.at("listener");
      const auto line = [&](const char* mode, const char* name) {
        const auto& m = listener.at(mode);
        std::printf(
            "listener's test, %s: told apart %.1f%% of the time (control %.1f%%; 50%% "
            "cannot tell)\n",
            name, 100 * m.at("accuracy").get<double>(),
            100 * m.at("control").at("accuracy").get<double>());
      };
      line("call_and_response", "call and response");
      line("continuous", "continuous");
    }
    std::printf("report: %s/report.md and report.json (%.0f s)\n", a.out.c_str(),
                r.at("seconds").get<double>());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "music-lstm eval: %s\n", e.what());
    return 1;
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  a->o.search = default_search_settings();
  auto* cmd = app.add_subcommand(
      "eval",
      "Measure a model on a split of MAESTRO or of a folder of MIDI files: likelihood, "
      "continuations against the real music, repetition in long songs; writes report.json, "
      "report.md and SVG plots");
  cmd->add_option("--model", a->model, "Checkpoint (default: models/default/model.ckpt)");
  cmd->add_option("--data", a->data,
                  "MAESTRO folder (default: where get-data puts it), or a folder of MIDI files");
  add_split_options(cmd, a->o.data_split);
  add_selection_options(cmd, a->o.selection);
  auto* pedal = cmd->add_flag_callback(
      "--sustain-pedal", [a] { a->o.sustain_pedal = true; },
      "Compare with the real music's durations as heard under the sustain pedal (default: as the "
      "model learnt them, its training.sustain_pedal; the shipped default did)");
  cmd->add_flag_callback(
         "--no-sustain-pedal", [a] { a->o.sustain_pedal = false; },
         "Compare with the durations of the keys alone, whatever the model learnt")
      ->excludes(pedal);
  cmd->add_option("--split", a->split, "train, validation or test")->capture_default_str();
  cmd->add_option("--prompts", a->o.prompts,
                  "Prompts drawn from the split (each continued by 50 notes, and into a song)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--song-notes", a->o.song_notes, "Notes of each song for the repetition figures")
      ->capture_default_str()
      ->check(CLI::Range(50, 100000));
  cmd->add_option("--listener-phrases", a->o.listener_phrases,
                  "Phrases of the listener's test: answers against what the pianist played next, "
                  "told apart by a classifier over a listener's figures (0: no test)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--phrase-notes", a->o.phrase_notes,
                  "Notes of each phrase of the listener's test (filled to the model's context as "
                  "the jam fills a phrase)")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  cmd->add_option("--chain-answers", a->o.chain_answers,
                  "Answers in each continuous chain of the listener's test")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--sampling", a->sampling, "beam, greedy, stochastic-beam or sample")
      ->capture_default_str();
  add_search_options(cmd, a->o.search);
  cmd->add_option("--seed", a->o.search.seed, "Seed of sampling")->capture_default_str();
  cmd->add_option("--prompt-seed", a->o.prompt_seed, "Seed of the choice of prompts")
      ->capture_default_str();
  cmd->add_option("--max-windows", a->o.max_windows,
                  "Windows for the likelihood figures (default 0: the whole split)")
      ->capture_default_str();
  cmd->add_option("--device", a->o.device, "auto, cpu or cuda")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--decoder", a->decoder,
                  "The answers' search on the CPU: auto (the fast decoder, the jam's) or libtorch")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "libtorch"}));
  cmd->add_option("--threads", a->o.cpu_threads, "CPU threads of LibTorch")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--metrics-csv", a->o.metrics_csv,
                  "A training run's metrics.csv to plot (default: the one beside the model)");
  cmd->add_option("--out", a->out, "Folder of the report")->capture_default_str();
  cmd->add_flag("--quiet", a->quiet, "No progress bars");
  cmd->callback([a] {
    a->o.libtorch_decoder = a->decoder == "libtorch";
    const int rc = run_eval(*a);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace mlstm::app
