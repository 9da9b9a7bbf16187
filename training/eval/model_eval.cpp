#include "eval/model_eval.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "data/note_windows.hpp"
#include "data/sustain_pedal.hpp"
#include "decode/answer_search.hpp"
#include "decode/beam_search.hpp"
#include "eval/listener_test.hpp"
#include "eval/music_metrics.hpp"
#include "eval/playability_figures.hpp"
#include "eval/repetition.hpp"
#include "eval/svg_chart.hpp"
#include "eval/window_metrics.hpp"
#include "io/atomic_file.hpp"
#include "maestro/dataset.hpp"
#include "model/checkpoint.hpp"
#include "progress/progress_bar.hpp"
#include "train/trainer.hpp"

namespace mlstm {
namespace {

using json = nlohmann::json;

constexpr int kPromptNotes = 10;
constexpr int kAnswerNotes = 50;
constexpr int kStuckRun = 16;  // a 2-pitch run this long counts a song as stuck
const char* const kModelColour = "#d9822b";
const char* const kRealColour = "#2b6cb0";

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

std::vector<double> linspace(double lo, double hi, int n) {
  std::vector<double> g(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) g[static_cast<std::size_t>(i)] = lo + (hi - lo) * i / (n - 1);
  return g;
}

// A prompt drawn from the split: the model's context (its last 10 notes are the prompt) and the
// 50 real notes that followed.
struct Prompt {
  std::vector<NoteFeatures> context, real;
  // The performance's notes after the context, up to a song's length: what the songs are held
  // against (shorter when the performance ends first).
  std::vector<NoteFeatures> following;
};

// The repetition figures of a set of songs (composed or real).
struct RepetitionFigures {
  std::vector<double> runs, four_grams;
  int stuck = 0;

  void add(std::span<const NoteFeatures> song) {
    const int run = longest_two_pitch_run(song);
    runs.push_back(run);
    if (run >= kStuckRun) ++stuck;
    four_grams.push_back(distinct_four_gram_share(song));
  }
  json to_json() const {
    if (runs.empty()) return {{"songs", 0}};
    return {{"songs", runs.size()},
            {"longest_two_pitch_run_mean", mean(runs)},
            {"longest_two_pitch_run_max", *std::max_element(runs.begin(), runs.end())},
            {"share_stuck", static_cast<double>(stuck) / static_cast<double>(runs.size())},
            {"distinct_four_gram_share", mean(four_grams)}};
  }
};

// The columns of a CSV file by name: every row's numbers (rows that do not parse are skipped);
// empty when the file is not there or lacks one of the columns.
std::vector<std::vector<double>> csv_columns(const std::filesystem::path& csv,
                                             const std::vector<std::string>& wanted) {
  std::ifstream in(csv);
  std::string header;
  if (!in || !std::getline(in, header)) return {};
  std::vector<std::string> names;
  std::stringstream hs(header);
  for (std::string f; std::getline(hs, f, ',');) names.push_back(f);
  std::vector<std::size_t> index;
  for (const auto& w : wanted) {
    const auto it = std::find(names.begin(), names.end(), w);
    if (it == names.end()) return {};
    index.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  std::vector<std::vector<double>> columns(wanted.size());
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    if (f.size() != names.size()) continue;
    try {
      std::vector<double> row;
      for (std::size_t i : index) row.push_back(std::stod(f[i]));
      for (std::size_t k = 0; k < row.size(); ++k) columns[k].push_back(row[k]);
    } catch (const std::exception&) {
      continue;
    }
  }
  return columns;
}

// The training curves of a run, against the optimizer step: the training loss every few steps
// (steps.csv, when the run wrote one), and each epoch's mean training and validation loss
// (metrics.csv: step, train_loss, validation_loss), dotted so that a run of one epoch shows too.
// Empty when there is no metrics.csv.
std::vector<ChartSeries> loss_curves(const std::filesystem::path& metrics_csv) {
  const auto epochs = csv_columns(metrics_csv, {"step", "train_loss", "validation_loss"});
  if (epochs.empty() || epochs[0].empty()) return {};
  std::vector<ChartSeries> out;
  const auto steps = csv_columns(metrics_csv.parent_path() / "steps.csv", {"step", "train_loss"});
  if (!steps.empty() && !steps[0].empty()) {
    out.push_back({"train loss (steps.csv)", steps[0], steps[1], "#e8b88a"});
  }
  out.push_back({"train loss (epoch)", epochs[0], epochs[1], kModelColour, true});
  out.push_back({"validation loss (epoch)", epochs[0], epochs[2], kRealColour, true});
  return out;
}

// ", repetition penalty 1.0 nats over 16 notes" when the search had one, ", timing drawn" with
// sample_timing, and the other rules that are on; reports written before these existed have no
// such fields.
std::string repetition_text(const json& search) {
  const double penalty = search.value("repetition_penalty", 0.0);
  std::string timing = search.value("sample_timing", false) ? ", timing drawn" : "";
  // A rule's words with its value (`text` holds one %.2f) when the value is on.
  const auto add = [&timing](const char* text, double value, bool on) {
    if (!on) return;
    char b[96];
    std::snprintf(b, sizeof b, text, value);
    timing += b;
  };
  const double t = search.value("timing_temperature", 1.0);
  add(", timing temperature %.2f", t, t != 1.0);
  if (const int n = search.value("loop_ngram", 0);
      n >= 2 && search.value("loop_penalty", 0.0) > 0) {
    char b[96];
    std::snprintf(b, sizeof b, ", loop penalty %.2f nats on repeated %d-note figures",
                  search.value("loop_penalty", 0.0), n);
    timing += b;
  }
  const double figure = search.value("figure_penalty", 0.0);
  add(", figure penalty %.2f nats on repeated interval figures", figure, figure > 0);
  const double ratio = search.value("pace_ratio", 0.0);
  add(", pace within %.2f times the phrase's", ratio, ratio > 0);
  const double recall = search.value("recall", 0.0);
  add(", figure recall %.2f nats", recall, recall > 0);
  const double keep = search.value("register_keep", 0.0);
  add(", register kept at %.2f nats a semitone", keep, keep > 0);
  if (penalty <= 0.0) return timing;
  char b[96];
  std::snprintf(b, sizeof b, ", repetition penalty %.2f nats over %d notes", penalty,
                search.value("repetition_window", 0));
  return b + timing;
}

// `v` with `digits` decimals, for the report's tables.
std::string fixed(double v, int digits = 3) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// The table of where the step error comes from (window_metrics.hpp); reports written before it
// existed have none.
std::string step_bands_markdown(const json& likelihood) {
  if (!likelihood.contains("step_error_by_real_step")) return "";
  std::string s =
      "Where the step error comes from: the predicted notes by their real step. \"contribution\" "
      "is the band's share of the mean above (the rows add up to it); \"most likely under 30 "
      "ms\": how often the model's likeliest step says the note starts with the one before.\n\n"
      "| real step | share of notes | step error (ms) | from the median (ms) | contribution "
      "(ms) | most likely under 30 ms |\n|---|---:|---:|---:|---:|---:|\n";
  for (const json& b : likelihood.at("step_error_by_real_step")) {
    const std::string range = b.at("to_ms").is_null()
                                  ? fixed(b.at("from_ms").get<double>(), 0) + " ms and more"
                                  : fixed(b.at("from_ms").get<double>(), 0) + " to " +
                                        fixed(b.at("to_ms").get<double>(), 0) + " ms";
    s += "| " + range + " | " + fixed(100 * b.at("share").get<double>(), 1) + "% | " +
         fixed(b.at("mae_ms").get<double>(), 1) + " | " +
         fixed(b.at("median_mae_ms").get<double>(), 1) + " | " +
         fixed(b.at("contribution_ms").get<double>(), 1) + " | " +
         fixed(100 * b.at("predicted_together").get<double>(), 1) + "% |\n";
  }
  return s + "\n";
}

// The listener's test's two modes: their keys in the report and their names.
const std::pair<const char*, const char*> kListenerModes[] = {
    {"call_and_response", "call and response"}, {"continuous", "continuous"}};

// A mode's entry for figure `key` in the listener's test.
const json& listener_figure(const json& mode, const std::string& key) {
  for (const json& f : mode.at("figures")) {
    if (f.at("key") == key) return f;
  }
  throw std::runtime_error("the listener's test has no figure " + key);
}

// How well a figure alone tells the kinds apart, whichever side it leans (0.5: not at all).
double separation(const json& figure) {
  const double auc = figure.at("auc").get<double>();
  return std::max(auc, 1 - auc);
}

// The ten figures that tell the call-and-response answers from the real music best, by how
// well each alone does (the area under the ROC curve), in both modes.
std::string listener_chart(const json& listener) {
  const json& call = listener.at("call_and_response");
  std::vector<std::string> keys;
  std::vector<double> call_auc, chain_auc;
  for (const json& f : call.at("figures")) {
    if (keys.size() == 10) break;
    keys.push_back(f.at("key").get<std::string>());
    call_auc.push_back(separation(f));
    chain_auc.push_back(separation(listener_figure(listener.at("continuous"), keys.back())));
  }
  return bar_chart_svg(
      {"What tells the answers from the real music (1: completely, 0.5: not at all)", "figure",
       "area under the ROC curve"},
      keys,
      {{"call and response", {}, call_auc, kModelColour},
       {"continuous", {}, chain_auc, kRealColour}});
}

// The listener's test in the report: accuracies, the control, the figures that give the answers
// away, and the medians of issue 33's table.
std::string listener_markdown(const json& l) {
  if (l.contains("skipped")) {
    return "\n## The listener's test\n\nSkipped: " + l.at("skipped").get<std::string>() + ".\n";
  }
  const auto pct = [](const json& v) { return fixed(100 * v.get<double>(), 1) + "%"; };
  std::ostringstream s;
  s << "\n## The listener's test\n\n"
    << l.at("phrases") << " phrases of " << l.at("phrase_notes")
    << " notes from the split (filled to the " << l.at("context_notes")
    << " notes the model reads, as the jam fills a phrase); each answer of " << l.at("answer_notes")
    << " notes against the " << l.at("answer_notes")
    << " notes the pianist played next; in continuous mode, each of " << l.at("chain_answers")
    << " chained answers against the real music at the same place. Both are described by a "
       "listener's figures (pitches, register, key, intervals, chords, rhythm, durations, "
       "velocity, repetition) and two classifiers (logistic regression, boosted stumps) try to "
       "tell them apart, cross-validated over "
    << l.at("folds")
    << " folds of phrases. 50% means a listener's figures cannot tell. The control: the real "
       "music after each phrase against the real music after another phrase of the same "
       "performance; it must stay near 50%.\n\n"
    << "| mode | accuracy | logistic | boosted | samples | control |\n"
       "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& [mode, name] : kListenerModes) {
    const json& m = l.at(mode);
    s << "| " << name << " | " << pct(m.at("accuracy")) << " | " << pct(m.at("logistic_accuracy"))
      << " | " << pct(m.at("boosted_accuracy")) << " | " << m.at("samples") << " | "
      << pct(m.at("control").at("accuracy")) << " |\n";
  }
  for (const auto& [mode, name] : kListenerModes) {
    const json& m = l.at(mode);
    s << "\nWhat separates most, " << name
      << " (AUC above 0.5: higher in the answers):\n\n"
         "| figure | answers (median) | real (median) | AUC |\n|---|---:|---:|---:|\n";
    int shown = 0;
    for (const json& f : m.at("figures")) {
      if (shown++ == 10) break;
      s << "| " << f.at("label").get<std::string>() << " | "
        << fixed(f.at("median_model").get<double>(), 2) << " | "
        << fixed(f.at("median_real").get<double>(), 2) << " | "
        << fixed(f.at("auc").get<double>(), 3) << " |\n";
    }
  }
  s << "\nIssue 33's seven figures (medians, answers against real; call and response / "
       "continuous):\n\n| figure | answers | real | answers, continuous | real, continuous "
       "|\n|---|---:|---:|---:|---:|\n";
  for (const std::string& key : listener_table_figures()) {
    const json& call = listener_figure(l.at("call_and_response"), key);
    s << "| " << call.at("label").get<std::string>();
    for (const auto& mode : kListenerModes) {
      const json& f = listener_figure(l.at(mode.first), key);
      s << " | " << fixed(f.at("median_model").get<double>(), 2) << " | "
        << fixed(f.at("median_real").get<double>(), 2);
    }
    s << " |\n";
  }
  return s.str();
}

}  // namespace

json evaluate_model(const EvalOptions& o) {
  if (o.prompts < 1) throw std::runtime_error("--prompts must be at least 1");
  const auto begun = std::chrono::steady_clock::now();
  const Checkpoint checkpoint = read_checkpoint(o.model);
  const RunConfig& config = checkpoint.config;
  const torch::Device device = pick_device(o.device);
  if (device.is_cpu()) torch::set_num_threads(std::max(1, o.cpu_threads));

  const bool sustain_pedal = o.sustain_pedal.value_or(config.train.sustain_pedal);
  check_note_selection(o.selection);
  const DatasetReport data = index_dataset(o.data, o.cache_root, 0, o.progress, o.data_split);
  std::vector<std::vector<NoteFeatures>> performances;
  for (const Performance* p : data.index.of_split(o.split)) {
    const CachedPerformance* e = data.notes.find(p->midi_filename);
    if (e && e->ok) {
      std::vector<Note> notes = select_notes(e->notes, e->track_names, o.selection);
      if (sustain_pedal) notes = apply_sustain_pedal(notes, e->pedals);
      performances.push_back(to_features(notes));
    }
  }
  if (performances.empty()) {
    throw std::runtime_error(std::string("the ") + split_name(o.split) + " split of " +
                             o.data.string() + " has no readable performance");
  }

  json report;
  report["model"] = {{"file", o.model.string()},
                     {"name", config.name},
                     {"kind", to_string(config.model.kind)},
                     {"context_notes", config.model.context_notes}};
  report["split"] = split_name(o.split);
  report["data"] = o.data.string();
  report["sustain_pedal"] = sustain_pedal;
  report["search"] = {{"sampling", sampling_name(o.search.sampling)},
                      {"width", o.search.width},
                      {"temperature", o.search.temperature},
                      {"top_k", o.search.top_k},
                      {"top_p", o.search.top_p},
                      {"seed", o.search.seed},
                      {"sample_timing", o.search.sample_timing},
                      {"timing_temperature", o.search.timing_temperature},
                      {"repetition_penalty", o.search.repetition_penalty},
                      {"repetition_window", o.search.repetition_window},
                      {"loop_ngram", o.search.loop_ngram},
                      {"loop_penalty", o.search.loop_penalty},
                      {"figure_penalty", o.search.figure_penalty},
                      {"pace_ratio", o.search.pace_ratio},
                      {"recall", o.search.recall},
                      {"register_keep", o.search.register_keep}};

  // One model, read once, for the three parts.
  NoteModel model(config.model);
  load_model_weights(*model, checkpoint, o.model.string());
  model->to(device);
  // The answers' search: the jam's on this device (the fast decoder on the CPU, where built).
  AnswerSearch search(*model, !o.libtorch_decoder);
  const bool fast_decoder = search.fast();

  // 1. Note by note, over non-overlapping windows.
  {
    const int64_t window = config.model.context_notes + config.model.target_notes;
    const WindowSet set(performances, window, window);
    if (set.size() == 0) {
      throw std::runtime_error(std::string("no ") + split_name(o.split) +
                               " performance is long enough for one window of " +
                               std::to_string(window) + " notes");
    }
    const int64_t windows = o.max_windows > 0 ? std::min(o.max_windows, set.size()) : set.size();
    std::unique_ptr<ProgressBar> bar;
    if (o.progress) bar = std::make_unique<ProgressBar>("likelihood", windows, "windows");
    json m = window_metrics(
        *model, set, config, device, o.max_windows,
        [&](int64_t done, int64_t) {
          if (bar) bar->update(static_cast<double>(done));
        },
        /*step_bands=*/true);
    if (bar) bar->finish();
    report["likelihood"] = {{"windows", windows},
                            {"notes_predicted", windows * config.model.target_notes},
                            {"pitch_nll", m.at("pitch")},
                            {"pitch_accuracy", m.at("pitch_accuracy")},
                            {"step_mae_ms", m.at("step_mae_ms")},
                            {"step_median_mae_ms", m.at("step_median_mae_ms")},
                            {"duration_mae_ms", m.at("duration_mae_ms")},
                            {"step_error_by_real_step", m.at("step_error_by_real_step")}};
    if (m.contains("velocity_mae")) report["likelihood"]["velocity_mae"] = m.at("velocity_mae");
  }

  // 2. Continuations of prompts against what followed.
  const int context = std::max(config.model.context_notes, kPromptNotes);
  const std::size_t span = static_cast<std::size_t>(context + kAnswerNotes);
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < performances.size(); ++i) {
    if (performances[i].size() >= span) usable.push_back(i);
  }
  if (usable.empty()) {
    throw std::runtime_error(std::string("no ") + split_name(o.split) + " performance has the " +
                             std::to_string(span) +
                             " notes a prompt and its real continuation need");
  }
  std::mt19937_64 rng(o.prompt_seed);
  std::vector<Prompt> prompts;
  for (int i = 0; i < o.prompts; ++i) {
    const auto& notes = performances[usable[rng() % usable.size()]];
    const auto first =
        notes.begin() + static_cast<std::ptrdiff_t>(rng() % (notes.size() - span + 1));
    const auto after = first + context;
    const auto song_end =
        after + std::min<std::ptrdiff_t>(o.song_notes, std::distance(after, notes.end()));
    prompts.push_back({{first, after}, {after, after + kAnswerNotes}, {after, song_end}});
  }

  SearchSettings answer = o.search;
  answer.length = kAnswerNotes;
  std::array<double, 12> pc_model{}, pc_real{};
  std::vector<double> overlaps, range_model, range_real, interval_model, interval_real;
  std::vector<double> ioi_model, ioi_real, dur_model, dur_real, answer_ms;
  PlayabilityFigures answers_model, answers_real;
  {
    std::unique_ptr<ProgressBar> bar;
    if (o.progress) bar = std::make_unique<ProgressBar>("continuations", o.prompts, "prompts");
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      const std::vector<NoteFeatures>& real = prompts[i].real;
      answer.seed = o.search.seed + i;
      const auto t0 = std::chrono::steady_clock::now();
      const std::vector<NoteFeatures> out = search(prompts[i].context, answer).notes;
      answer_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      const auto hm = pitch_class_histogram(out), hr = pitch_class_histogram(real);
      overlaps.push_back(histogram_overlap(hm, hr));
      for (std::size_t k = 0; k < 12; ++k) pc_model[k] += hm[k], pc_real[k] += hr[k];
      range_model.push_back(pitch_range(out)), range_real.push_back(pitch_range(real));
      interval_model.push_back(mean_abs_interval(out));
      interval_real.push_back(mean_abs_interval(real));
      for (double v : log_inter_onset_intervals(out)) ioi_model.push_back(v);
      for (double v : log_inter_onset_intervals(real)) ioi_real.push_back(v);
      for (double v : log_durations(out)) dur_model.push_back(v);
      for (double v : log_durations(real)) dur_real.push_back(v);
      answers_model.add(out);
      answers_real.add(real);
      if (bar) bar->update(static_cast<double>(i + 1));
    }
    if (bar) bar->finish();
  }
  for (auto* h : {&pc_model, &pc_real}) {
    for (double& v : *h) v /= static_cast<double>(prompts.size());
  }
  std::vector<double> sorted_ms = answer_ms;
  std::sort(sorted_ms.begin(), sorted_ms.end());
  report["continuations"] = {
      {"prompts", o.prompts},
      {"prompt_notes", kPromptNotes},
      {"context_notes_read", config.model.context_notes},
      {"answer_notes", kAnswerNotes},
      {"pitch_class_overlap", mean(overlaps)},
      {"pitch_range",
       {{"model_mean", mean(range_model)},
        {"real_mean", mean(range_real)},
        {"overlapping_area", overlapping_area(range_model, range_real)}}},
      {"mean_abs_interval",
       {{"model_mean", mean(interval_model)},
        {"real_mean", mean(interval_real)},
        {"overlapping_area", overlapping_area(interval_model, interval_real)}}},
      {"inter_onset_interval_overlapping_area", overlapping_area(ioi_model, ioi_real)},
      {"duration_overlapping_area", overlapping_area(dur_model, dur_real)},
      {"answer_ms", {{"median", sorted_ms[sorted_ms.size() / 2]}, {"max", sorted_ms.back()}}},
      {"device", device.str()},
      {"decoder", fast_decoder ? "fast" : "libtorch"}};

  // 3. Long songs: does the model get stuck?
  RepetitionFigures composed, real;
  PlayabilityFigures chain_model, chain_real;
  {
    std::unique_ptr<ProgressBar> bar;
    if (o.progress) bar = std::make_unique<ProgressBar>("songs", o.prompts, "songs");
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      answer.seed = o.search.seed + 100000 + i;
      const std::vector<NoteFeatures> song =
          continue_song_with(search, prompts[i].context, o.song_notes, answer,
                             static_cast<std::size_t>(config.model.context_notes));
      composed.add(song);
      // Each 50 notes of the song is one chained answer, as the jam's continuous mode plays it.
      chain_model.add_chunks(song, kAnswerNotes);
      chain_real.add_chunks(prompts[i].following, kAnswerNotes);
      // The real music after the same prompt, where the performance goes on for a whole song.
      const auto& following = prompts[i].following;
      if (following.size() == static_cast<std::size_t>(o.song_notes)) real.add(following);
      if (bar) bar->update(static_cast<double>(i + 1));
    }
    if (bar) bar->finish();
  }
  report["repetition"] = composed.to_json();
  report["repetition"]["song_notes"] = o.song_notes;
  report["repetition"]["stuck_run_notes"] = kStuckRun;
  report["repetition"]["real"] = real.to_json();
  // What a listener hears first: is each answer music two hands could play, and does it last?
  report["playability"] = {
      {"call_and_response", {{"model", answers_model.to_json()}, {"real", answers_real.to_json()}}},
      {"continuous",
       {{"song_notes", o.song_notes},
        {"model", chain_model.to_json()},
        {"real", chain_real.to_json()}}},
      {"cluster_window_ms", kClusterWindowSeconds * 1000},
      {"degenerate_when", "span under 1 s, or more than 10 notes within the cluster window"}};

  // 4. The listener's test: answers to real phrases against what the pianist played next.
  if (o.listener_phrases > 0) {
    ListenerTestOptions l;
    l.phrases = o.listener_phrases;
    l.phrase_notes = o.phrase_notes;
    l.context_notes = config.model.context_notes;
    l.answer_notes = kAnswerNotes;
    l.chain_answers = o.chain_answers;
    l.seed = o.prompt_seed;
    l.search = o.search;
    // Short performances (a folder of short pieces) leave the other figures to measure: said
    // in the report and the summary, not an error.
    if (const std::string why = listener_test_unfit(performances, l); !why.empty()) {
      report["listener"] = {{"skipped", why}};
    } else {
      std::unique_ptr<ProgressBar> bar;
      if (o.progress) {
        bar = std::make_unique<ProgressBar>("listener", o.listener_phrases, "phrases");
      }
      report["listener"] = listener_test(
          performances,
          [&](std::span<const NoteFeatures> notes, const SearchSettings& s) {
            return search(notes, s).notes;
          },
          l,
          [&](int done, int) {
            if (bar) bar->update(static_cast<double>(done));
          });
      if (bar) bar->finish();
    }
  }

  // 5. Plots.
  std::filesystem::create_directories(o.out);
  json plots = json::array();
  const auto plot = [&](const std::string& name, const std::string& svg) {
    write_file_atomically(o.out / name, svg);
    plots.push_back(name);
  };
  plot("pitch_classes.svg",
       bar_chart_svg({"Pitch classes of the continuations", "pitch class", "share of notes"},
                     {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"},
                     {{"model", {}, {pc_model.begin(), pc_model.end()}, kModelColour},
                      {"real", {}, {pc_real.begin(), pc_real.end()}, kRealColour}}));
  const std::vector<double> grid = linspace(-3, 1, 200);
  plot("inter_onset_intervals.svg",
       line_chart_svg({"Inter-onset intervals", "log10 seconds", "density"},
                      {{"model", grid, density(ioi_model, grid), kModelColour},
                       {"real", grid, density(ioi_real, grid), kRealColour}}));
  plot("durations.svg", line_chart_svg({"Durations", "log10 seconds", "density"},
                                       {{"model", grid, density(dur_model, grid), kModelColour},
                                        {"real", grid, density(dur_real, grid), kRealColour}}));
  if (report.contains("listener") && !report["listener"].contains("skipped")) {
    plot("listener_figures.svg", listener_chart(report["listener"]));
  }
  const std::filesystem::path csv =
      o.metrics_csv.empty() ? o.model.parent_path() / "metrics.csv" : o.metrics_csv;
  if (const auto curves = loss_curves(csv); !curves.empty()) {
    plot("loss_curves.svg", line_chart_svg({"Training", "step", "loss"}, curves));
  }
  report["plots"] = plots;
  report["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();

  write_file_atomically(o.out / "report.json", report.dump(2) + "\n");
  write_file_atomically(o.out / "report.md", eval_markdown(report));
  return report;
}

std::string eval_markdown(const json& r) {
  const auto f = [](double v, int digits = 3) { return fixed(v, digits); };
  const json& l = r.at("likelihood");
  const json& c = r.at("continuations");
  const json& p = r.at("repetition");
  // Reports written before the real reference existed have none.
  const int real_songs = p.contains("real") ? p.at("real").at("songs").get<int>() : 0;
  const auto repetition_row = [&](const std::string& who, const json& x) {
    return "| " + who + " | " + f(x.at("longest_two_pitch_run_mean").get<double>(), 1) + " | " +
           f(x.at("longest_two_pitch_run_max").get<double>(), 0) + " | " +
           f(100 * x.at("share_stuck").get<double>(), 1) + "% | " +
           f(x.at("distinct_four_gram_share").get<double>()) + " |\n";
  };
  std::ostringstream s;
  s << "# Evaluation of " << r.at("model").at("name").get<std::string>() << " ("
    << r.at("model").at("kind").get<std::string>() << ")\n\n"
    << "Model `" << r.at("model").at("file").get<std::string>() << "`, the "
    << r.at("split").get<std::string>() << " split of `" << r.value("data", std::string("?")) << "`"
    << (r.value("sustain_pedal", false) ? " (durations as heard under the sustain pedal)" : "")
    << "; continuations by " << r.at("search").at("sampling").get<std::string>() << " at width "
    << r.at("search").at("width") << ", temperature "
    << f(r.at("search").at("temperature").get<double>(), 2) << repetition_text(r.at("search"))
    << ".\n\n"
    << "## Note by note (" << l.at("windows") << " windows, " << l.at("notes_predicted")
    << " notes predicted)\n\n"
    << "| pitch NLL (nats) | pitch accuracy | step error (ms) | duration error (ms) | velocity "
       "error |\n|---:|---:|---:|---:|---:|\n"
    << "| " << f(l.at("pitch_nll").get<double>()) << " | "
    << f(100 * l.at("pitch_accuracy").get<double>(), 1) << "% | "
    << f(l.at("step_mae_ms").get<double>(), 1) << " | "
    << f(l.at("duration_mae_ms").get<double>(), 1) << " | "
    << (l.contains("velocity_mae") ? f(l.at("velocity_mae").get<double>(), 1) : "—") << " |\n\n"
    << "Errors are of the most likely value. The step error of the step distribution's median (the "
       "point with the least expected absolute error): "
    << f(l.at("step_median_mae_ms").get<double>(), 1) << " ms.\n\n"
    << step_bands_markdown(l) << "## Continuations against the real music (" << c.at("prompts")
    << " prompts, " << c.at("prompt_notes") << " notes in (the model read "
    << c.at("context_notes_read") << "), " << c.at("answer_notes") << " out)\n\n"
    << "Overlaps: 1 = the model's distribution is the real one, 0 = nothing in common.\n\n"
    << "| figure | model | real | overlap |\n|---|---:|---:|---:|\n"
    << "| pitch-class histogram | | | " << f(c.at("pitch_class_overlap").get<double>()) << " |\n"
    << "| pitch range (semitones) | " << f(c.at("pitch_range").at("model_mean").get<double>(), 1)
    << " | " << f(c.at("pitch_range").at("real_mean").get<double>(), 1) << " | "
    << f(c.at("pitch_range").at("overlapping_area").get<double>()) << " |\n"
    << "| mean absolute interval (semitones) | "
    << f(c.at("mean_abs_interval").at("model_mean").get<double>(), 2) << " | "
    << f(c.at("mean_abs_interval").at("real_mean").get<double>(), 2) << " | "
    << f(c.at("mean_abs_interval").at("overlapping_area").get<double>()) << " |\n"
    << "| inter-onset intervals | | | "
    << f(c.at("inter_onset_interval_overlapping_area").get<double>()) << " |\n"
    << "| durations | | | " << f(c.at("duration_overlapping_area").get<double>()) << " |\n\n"
    << "Answer time (" << c.at("device").get<std::string>() << ", "
    << c.value("decoder", std::string("libtorch")) << " decoder): median "
    << f(c.at("answer_ms").at("median").get<double>(), 1) << " ms, max "
    << f(c.at("answer_ms").at("max").get<double>(), 1) << " ms.\n\n"
    << "## Repetition (" << p.at("songs") << " songs of " << p.at("song_notes") << " notes)\n\n"
    << "Real: the " << p.at("song_notes") << " notes that followed the same prompts, where the "
    << "performance went on that long (" << real_songs << " of " << p.at("songs") << ").\n\n"
    << "| songs | longest 2-pitch run (mean) | longest (max) | songs with a run of "
    << p.at("stuck_run_notes") << "+ | distinct 4-grams |\n|---|---:|---:|---:|---:|\n"
    << repetition_row("model", p);
  if (real_songs > 0) s << repetition_row("real", p.at("real"));
  // Reports written before the playability figures existed have none.
  if (r.contains("playability")) {
    const json& q = r.at("playability");
    const auto row = [&](const std::string& who, const json& x) {
      return "| " + who + " | " + std::to_string(x.at("answers").get<int>()) + " | " +
             f(100 * x.at("share_degenerate").get<double>(), 1) + "% | " +
             f(x.at("span_s").at("p10").get<double>(), 2) + " | " +
             f(x.at("span_s").at("median").get<double>(), 2) + " | " +
             f(x.at("largest_cluster").at("median").get<double>(), 0) + " | " +
             f(x.at("largest_cluster").at("max").get<double>(), 0) + " | " +
             f(x.at("notes_per_second").at("median").get<double>(), 1) + " | " +
             f(x.at("notes_per_second").at("max").get<double>(), 1) + " |\n";
    };
    s << "\n## Playability (what a listener hears first)\n\n"
      << "Each answer of 50 notes: its span (first to last onset), its largest cluster (notes "
         "starting within "
      << f(q.at("cluster_window_ms").get<double>(), 0)
      << " ms), its notes per second (to the last note's end). Degenerate: "
      << q.at("degenerate_when").get<std::string>()
      << ". Continuous: each 50 notes of the songs above as one chained answer.\n\n"
      << "| answers | n | degenerate | span p10 (s) | span median (s) | largest cluster "
         "(median) | (max) | notes/s (median) | (max) |\n"
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
      << row("call and response, model", q.at("call_and_response").at("model"))
      << row("call and response, real", q.at("call_and_response").at("real"))
      << row("continuous, model", q.at("continuous").at("model"))
      << row("continuous, real", q.at("continuous").at("real"));
  }
  if (r.contains("listener")) s << listener_markdown(r.at("listener"));
  s << "\n## Plots\n\n";
  for (const auto& name : r.at("plots")) {
    const std::string n = name.get<std::string>();
    s << "![" << n << "](" << n << ")\n";
  }
  return s.str();
}

}  // namespace mlstm
