#include "train/trainer.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

#include "data/note_windows.hpp"
#include "data/window_file.hpp"
#include "dist/data_parallel.hpp"
#include "dist/rank_group.hpp"
#include "eval/window_metrics.hpp"
#include "io/atomic_file.hpp"
#include "maestro/dataset.hpp"
#include "model/checkpoint.hpp"
#include "model/note_loss.hpp"
#include "train/adam_state.hpp"
#include "train/rate_schedule.hpp"
#include "train/run_sinks.hpp"
#include "train/run_start.hpp"
#include "train/run_state.hpp"
#include "train/stop_rule.hpp"
#include "train/train_step.hpp"

namespace mlstm {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The reference set's pitch NLL of `model` as it is now.
double reference_nll(NoteModel& model, const WindowSet& reference, const RunConfig& c,
                     const torch::Device& device, std::int64_t windows) {
  const json m = window_metrics(*model, reference, c, device, windows);
  model->train();
  return m.at("pitch").get<double>();
}

// The epochs of one run: each trains its batches (in an order that depends only on the seed and
// the epoch, so a resumed run gives the same batches), is validated and saved; the stop rule
// ends the run.
class EpochLoop {
 public:
  EpochLoop(const RunConfig& c, const TrainOptions& o, const WindowSet& train,
            const WindowSet& valid, const torch::Device& device, NoteModel& model,
            torch::optim::Adam& opt, RunState& st, RunSinks& sinks, std::int64_t warmup_until,
            DataParallel& dp)
      : c_(c),
        o_(o),
        train_(train),
        valid_(valid),
        device_(device),
        model_(model),
        opt_(opt),
        st_(st),
        sinks_(sinks),
        schedule_(make_rate_schedule(c.train, warmup_until)),
        stop_(c.train, o.stop),
        step_(model, opt, c, device),
        dp_(dp) {}

  // Runs to the end: why it stopped (TrainResult::stopped_because).
  std::string run() {
    model_->train();
    while (st_.epoch < c_.train.epochs) {
      const auto start = Clock::now();
      std::int64_t windows = 0;
      if (!train_batches(windows)) return "interrupted";
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      if (const char* why = finish_epoch(seconds, windows)) return why;
    }
    return "finished";
  }

 private:
  // The epoch's batches from st_.batch on; false when a stop request ended them (saved).
  bool train_batches(std::int64_t& windows) {
    schedule_->epoch_begins(st_);
    auto gen = at::detail::createCPUGenerator(c_.train.seed + static_cast<uint64_t>(st_.epoch));
    torch::Tensor order = torch::randperm(train_.size(), gen, torch::kInt64);
    if (c_.train.max_train_windows > 0 && order.size(0) > c_.train.max_train_windows) {
      order = order.slice(0, 0, c_.train.max_train_windows);
    }
    const int64_t n = order.size(0), b = c_.train.batch_size;
    const int64_t batches = (n + b - 1) / b;
    sinks_.epoch_begins(st_, n);
    for (; st_.batch < batches; ++st_.batch) {
      // Dropout and augmentation draws depend only on (seed, epoch, batch, rank), for the same
      // reason; each rank draws its own (rank 0 those of a run of one rank).
      torch::manual_seed(c_.train.seed * 1000003ull + static_cast<uint64_t>(st_.epoch) * 100003ull +
                         static_cast<uint64_t>(st_.batch) +
                         static_cast<uint64_t>(dp_.rank()) * 0x9E3779B97F4A7C15ull);
      const auto t0 = Clock::now();
      // The global batch, and this rank's part of it.
      const auto ids = order.slice(0, st_.batch * b, std::min(n, (st_.batch + 1) * b));
      const torch::Tensor mine = dp_.shard(ids);
      const LossTerms own = mine.size(0) > 0 ? step_.loss(train_.batch(mine)) : LossTerms{};
      const LossTerms terms = dp_.combine_terms(own, mine.size(0), ids.size(0), c_.model.velocity);
      const double loss = terms.total.item<double>();
      if (!std::isfinite(loss)) throw not_finite(loss);
      step_.backward(own);
      dp_.average_gradients(model_->parameters(), mine.size(0), ids.size(0));
      step_.apply(schedule_->step_rate(st_, batches));
      ++st_.step;
      dp_.check_agreement(model_->parameters(), st_.step);
      st_.epoch_sums.add(terms, ids.size(0));
      windows += ids.size(0);
      st_.train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      bool stop = stop_.requested();
      dp_.agree_on_stop(stop, st_.train_seconds);
      const bool entry = st_.record_step_loss(loss);
      sinks_.step_done(st_, std::min(n, (st_.batch + 1) * b), loss, entry);
      if (o_.on_step) o_.on_step({st_.epoch, st_.step, loss, opt_lr(opt_)});
      if (stop) {
        sinks_.epoch_trained("stopped");
        sinks_.save_mid_epoch(st_);
        return false;
      }
      if (sinks_.checkpoint_due()) sinks_.save_mid_epoch(st_);
      // Out of time: this epoch ends here, and is validated and saved like a whole one.
      if (stop_.out_of_time(st_)) break;
    }
    sinks_.epoch_trained();
    return true;
  }

  // Validation, the rate's epoch end and the checkpoints; why the run stops here, or nullptr.
  const char* finish_epoch(double seconds, std::int64_t windows) {
    const json train_means = st_.epoch_sums.means(c_.model.velocity);
    // Each rank validates its part of the windows; the figures are the whole set's.
    std::int64_t nv = valid_.size();
    if (c_.train.max_valid_windows > 0) nv = std::min(nv, c_.train.max_valid_windows);
    const auto [vb, ve] = dp_.span(nv);
    const json valid_means =
        dp_.combine_metrics(window_metrics_span(*model_, valid_, c_, device_, vb, ve), ve - vb);
    model_->train();
    const double valid = valid_means.at("loss").get<double>();
    const json row = {{"epoch", st_.epoch + 1},
                      {"step", st_.step},
                      {"learning_rate", st_.lr},
                      {"train_seconds", st_.train_seconds},
                      {"windows_per_second", seconds > 0 ? windows / seconds : 0.0},
                      {"train", train_means},
                      {"validation", valid_means}};
    st_.history.push_back(row);
    const bool improved = valid < st_.best - 1e-6;
    sinks_.epoch_validated(row, improved);
    if (improved) {
      st_.best = valid;
      st_.bad_epochs = 0;
    } else {
      ++st_.bad_epochs;
    }
    schedule_->epoch_ends(st_, improved, true);
    // The checkpoints record the position after this epoch.
    ++st_.epoch;
    st_.batch = 0;
    st_.epoch_sums = {};
    sinks_.epoch_saved(st_, improved);
    return stop_.after_epoch(st_);
  }

  TrainingError not_finite(double loss) const {
    const std::filesystem::path& last = sinks_.last_path();
    return TrainingError(
        "the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " at epoch " +
        std::to_string(st_.epoch + 1) + ", step " + std::to_string(st_.step + 1) + "; " +
        (std::filesystem::exists(last) ? "the last good checkpoint is " + last.string()
                                       : std::string("no checkpoint was written yet")) +
        " (try a lower learning_rate or grad_clip)");
  }

  const RunConfig& c_;
  const TrainOptions& o_;
  const WindowSet& train_;
  const WindowSet& valid_;
  const torch::Device device_;
  NoteModel& model_;
  torch::optim::Adam& opt_;
  RunState& st_;
  RunSinks& sinks_;
  const std::unique_ptr<RateSchedule> schedule_;
  const StopRule stop_;
  TrainStep step_;
  DataParallel& dp_;
};

void check_windows(const WindowSet& train_set, const WindowSet& valid_set) {
  if (train_set.size() == 0) {
    throw TrainingError("no training windows: the train split has no performance of at least " +
                        std::to_string(train_set.window_notes()) + " notes");
  }
  if (valid_set.size() == 0) {
    throw TrainingError(
        "no validation windows: the validation split has no performance of at least " +
        std::to_string(valid_set.window_notes()) + " notes");
  }
}

// The reference's NLL of the best checkpoint, kept in reference.json.
double measure_reference_after(NoteModel& model, const WindowSet& reference, const RunConfig& c,
                               const TrainOptions& o, const torch::Device& device,
                               const std::filesystem::path& best, double before) {
  load_model_weights(*model, read_checkpoint(best), best.string());
  const double after = reference_nll(model, reference, c, device, o.reference_windows);
  std::fprintf(stderr, "reference validation pitch NLL of %s: %.4f nats\n", best.c_str(), after);
  write_file_atomically(
      o.out / "reference.json",
      json{{"reference_data", std::filesystem::absolute(o.reference_data)},
           {"windows", std::min<std::int64_t>(o.reference_windows, reference.size())},
           {"pitch_nll_before", before},
           {"pitch_nll_after", after},
           {"init_from", o.init_from.string()}}
              .dump(2) +
          "\n");
  return after;
}

// What rank 0 does before the ranks start together: --init-from's weights, the reference's NLL
// before training, the resumed checkpoint, config.json. Returns the step the warm-up ends at.
std::int64_t lead_start(const RunConfig& c, const TrainOptions& o, const torch::Device& device,
                        NoteModel& model, torch::optim::Adam& opt, RunState& st,
                        const WindowSet* reference, TrainResult& result) {
  std::filesystem::create_directories(o.out);
  init_from(c, o, model);
  const std::filesystem::path resume = resume_path(o);
  if (reference && resume.empty()) {
    result.reference_before = reference_nll(model, *reference, c, device, o.reference_windows);
    std::fprintf(stderr, "reference validation pitch NLL before training: %.4f nats\n",
                 result.reference_before);
  }
  const std::int64_t warmup_until =
      resume.empty() ? 0 : resume_run(c, o, resume, model, opt, st, device);
  write_file_atomically(o.out / "config.json", to_json(c).dump(2) + "\n");
  return warmup_until;
}

TrainResult run_training(const RunConfig& c, const WindowSet& train_set, const WindowSet& valid_set,
                         const TrainOptions& o, const std::string& data_description,
                         RankGroup* group, const WindowSet* reference = nullptr) {
  DataParallel dp(group, o.dist_check_every);
  const torch::Device device = pick_device(o.device, o.launch.local_rank);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // All cores by default, shared among the ranks on this machine.
  torch::set_num_threads(c.train.threads > 0 ? c.train.threads
                                             : std::max(1, cores / o.launch.local_world_size));
  check_windows(train_set, valid_set);

  torch::manual_seed(c.train.seed);
  NoteModel model(c.model);
  model->to(device);
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(c.train.learning_rate));
  RunState st;
  st.lr = c.train.learning_rate;
  TrainResult result;
  std::int64_t warmup_until =
      dp.lead() ? lead_start(c, o, device, model, opt, st, reference, result) : 0;
  share_run_start(dp, model, opt, st, warmup_until, device);

  RunSinks sinks(c, o, data_description, device, model, opt, dp.lead());
  result.last_checkpoint = sinks.last_path();
  result.best_checkpoint = sinks.best_path();
  EpochLoop epochs(c, o, train_set, valid_set, device, model, opt, st, sinks, warmup_until, dp);
  try {
    result.stopped_because = epochs.run();
  } catch (const RankLost& e) {
    // Rank 0 writes a checkpoint whole or not at all (atomically): the last one is good.
    throw TrainingError(std::string(e.what()) + "; " +
                        (std::filesystem::exists(sinks.last_path())
                             ? "the last checkpoint, " + sinks.last_path().string() +
                                   ", resumes the run with any number of ranks (--resume)"
                             : std::string("no checkpoint was written yet")));
  }
  result.epochs_completed = st.epoch;
  result.steps = st.step;
  result.best_validation = st.best;
  // What the model keeps is the best checkpoint: measure that one.
  if (dp.lead() && result.stopped_because != "interrupted" && reference &&
      std::filesystem::exists(sinks.best_path())) {
    result.reference_after = measure_reference_after(model, *reference, c, o, device,
                                                     sinks.best_path(), result.reference_before);
  }
  return result;
}

// This process's place in a run of several ranks: joined to the others, or null for one rank.
std::unique_ptr<RankGroup> join_ranks(const TrainOptions& o) {
  if (!o.launch.distributed()) return nullptr;
  RankGroup::Options g;
  g.backend = o.dist_backend != "auto"                               ? o.dist_backend
              : pick_device(o.device, o.launch.local_rank).is_cuda() ? "nccl"
                                                                     : "gloo";
  g.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.dist_timeout_s * 1000));
  auto group = std::make_unique<RankGroup>(o.launch, g);
  if (group->rank() == 0) {
    std::fprintf(
        stderr, "data-parallel: %d ranks over %s (%s:%d), a global batch split among them\n",
        group->world_size(), g.backend.c_str(), o.launch.master_addr.c_str(), o.launch.master_port);
  }
  return group;
}

}  // namespace

c10::Device pick_device(const std::string& name, int local_rank) {
  // The GPU of this rank among the machine's (torchrun's LOCAL_RANK); the current one for the
  // first rank (a run of one rank, as before ranks existed).
  const auto gpu = [local_rank] {
    if (local_rank == 0) return torch::Device(torch::kCUDA);
    const auto n = static_cast<int>(torch::cuda::device_count());
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(local_rank % std::max(1, n)));
  };
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!torch::cuda::is_available()) {
      throw TrainingError(
          "--device cuda: no CUDA device is available to this LibTorch (use --device cpu)");
    }
    return gpu();
  }
  if (name == "auto") return torch::cuda::is_available() ? gpu() : torch::Device(torch::kCPU);
  throw TrainingError("--device " + name + ": expected auto, cpu or cuda");
}

namespace {

// What the run learns from, said by rank 0: the data, the files skipped, the windows.
void say_data(const TrainOptions& o, const DatasetReport& data, const WindowSet& train_set,
              const WindowSet& valid_set, std::int64_t window) {
  if (data.maestro) {
    std::fprintf(stderr, "data: MAESTRO in %s\n", o.data.c_str());
  } else {
    std::fprintf(stderr,
                 "data: %zu MIDI files in %s (train %zu, validation %zu, test %zu: %s); learning "
                 "from %s\n",
                 data.index.performances.size(), o.data.c_str(), data.index.count(Split::kTrain),
                 data.index.count(Split::kValidation), data.index.count(Split::kTest),
                 data.index.csv.empty() ? "split by a hash of each path"
                                        : "split.csv, the rest by a hash of each path",
                 describe(o.selection).c_str());
  }
  // Each file that cannot be read is said, up to a few; all are counted.
  constexpr std::size_t kSaid = 10;
  for (std::size_t i = 0; i < data.corrupt.size() && i < kSaid; ++i) {
    std::fprintf(stderr, "skipped (cannot be read): %s\n", data.corrupt[i].c_str());
  }
  if (data.corrupt.size() > kSaid) {
    std::fprintf(stderr, "... and %zu more that cannot be read\n", data.corrupt.size() - kSaid);
  }
  if (!data.missing.empty()) {
    std::fprintf(stderr, "skipped %zu files listed but missing in %s\n", data.missing.size(),
                 o.data.c_str());
  }
  if (train_set.too_short() + valid_set.too_short() > 0) {
    std::fprintf(stderr, "skipped %zu files with fewer than %lld notes (one window)\n",
                 train_set.too_short() + valid_set.too_short(), static_cast<long long>(window));
  }
  std::fprintf(stderr,
               "data: %zu train performances (%lld windows), %zu validation (%lld windows); "
               "%zu cannot be read\n",
               train_set.performances() - train_set.too_short(),
               static_cast<long long>(train_set.size()),
               valid_set.performances() - valid_set.too_short(),
               static_cast<long long>(valid_set.size()), data.corrupt.size());
}

// A plain folder that gives no window to learn or validate on: one line that says what to do.
void check_folder(const TrainOptions& o, const DatasetReport& data, const WindowSet& train_set,
                  const WindowSet& valid_set, std::int64_t window) {
  if (data.maestro) return;
  if (data.index.performances.size() == data.corrupt.size()) {
    throw TrainingError("none of the " + std::to_string(data.corrupt.size()) + " MIDI files in " +
                        o.data.string() + " can be read (the first: " + data.corrupt.front() + ")");
  }
  if (train_set.size() == 0 || valid_set.size() == 0) {
    throw TrainingError(std::string("no ") + (train_set.size() == 0 ? "train" : "validation") +
                        " file in " + o.data.string() + " has the " + std::to_string(window) +
                        " notes of one window; add files, or choose the split in " + kSplitCsvName +
                        " (midi_filename,split), or change --valid-fraction");
  }
}

// --reference-data's validation windows, read as the run reads its own data (a model that learnt
// durations as heard under the pedal is measured on them); null without it.
std::unique_ptr<WindowSet> reference_windows(const RunConfig& c, const TrainOptions& o,
                                             std::int64_t window) {
  if (o.reference_data.empty() || o.launch.rank != 0) return nullptr;  // rank 0 measures it
  const DatasetReport ref = index_dataset(o.reference_data, o.cache_root, 0, o.progress);
  auto reference = std::make_unique<WindowSet>(ref.index, ref.notes, Split::kValidation, window,
                                               window, NoteSelection{}, c.train.sustain_pedal);
  if (reference->size() == 0) {
    throw TrainingError("--reference-data " + o.reference_data.string() +
                        ": its validation split has no window of " + std::to_string(window) +
                        " notes");
  }
  return reference;
}

// The run's train and validation windows.
struct RunWindows {
  std::unique_ptr<WindowSet> train, valid;
};

// Built from the dataset's note cache (which is then let go); rank 0 says what it learns from.
RunWindows build_windows(const RunConfig& c, const TrainOptions& o) {
  const DatasetReport data =
      index_dataset(o.data, o.cache_root, 0, o.progress && o.launch.rank == 0, o.split);
  const std::int64_t window = c.model.context_notes + c.model.target_notes;
  RunWindows w;
  w.train = std::make_unique<WindowSet>(data.index, data.notes, Split::kTrain, window,
                                        c.train.stride, o.selection, c.train.sustain_pedal);
  // Validation windows do not overlap: every window is counted once.
  w.valid = std::make_unique<WindowSet>(data.index, data.notes, Split::kValidation, window, window,
                                        o.selection, c.train.sustain_pedal);
  if (o.launch.rank == 0) say_data(o, data, *w.train, *w.valid, window);
  check_folder(o, data, *w.train, *w.valid, window);
  return w;
}

// Where the ranks of one machine keep the windows they share: the dataset's cache folder, a file
// for each way of cutting windows (two runs of other shapes at once do not meet).
std::filesystem::path window_file(const RunConfig& c, const TrainOptions& o, const char* split) {
  const std::string shape = std::to_string(c.model.context_notes + c.model.target_notes) + "-" +
                            std::to_string(c.train.stride) + "-" +
                            (c.train.sustain_pedal ? "pedal" : "keys") + "-" +
                            describe(o.selection) + "-" + std::to_string(o.split.valid_fraction) +
                            "-" + std::to_string(o.split.test_fraction);
  return dataset_cache_dir(o.data, o.cache_root) /
         ("windows-" + std::to_string(std::hash<std::string>{}(shape)) + "-" + split + ".bin");
}

// The windows of this rank. Several ranks on this machine share one copy: its first rank
// (LOCAL_RANK 0) builds them from the note cache and saves them as window files while the others
// wait; then every rank maps the files read-only (data/window_file.hpp).
RunWindows rank_windows(const RunConfig& c, const TrainOptions& o, RankGroup* group) {
  if (!group || o.launch.local_world_size == 1) return build_windows(c, o);
  const std::filesystem::path train_file = window_file(c, o, "train");
  const std::filesystem::path valid_file = window_file(c, o, "validation");
  const bool first_here = o.launch.local_rank == 0;
  if (first_here) {
    const RunWindows built = build_windows(c, o);
    save_window_set(*built.train, train_file);
    save_window_set(*built.valid, valid_file);
  }
  group->wait_for_all("windows-saved", group->join_timeout());
  RunWindows w;
  w.train = std::make_unique<WindowSet>(map_window_set(train_file));
  w.valid = std::make_unique<WindowSet>(map_window_set(valid_file));
  return w;
}

}  // namespace

TrainResult train(const RunConfig& c, const TrainOptions& o) {
  check_note_selection(o.selection);
  const std::unique_ptr<RankGroup> group = join_ranks(o);
  const RunWindows w = rank_windows(c, o, group.get());
  const std::int64_t window = c.model.context_notes + c.model.target_notes;
  const std::unique_ptr<WindowSet> reference = reference_windows(c, o, window);
  return run_training(c, *w.train, *w.valid, o, std::filesystem::absolute(o.data).string(),
                      group.get(), reference.get());
}

TrainResult train_in_memory(const RunConfig& c, const InMemoryData& d, const TrainOptions& o) {
  const int64_t window = c.model.context_notes + c.model.target_notes;
  const WindowSet train_set(d.train, window, c.train.stride);
  const WindowSet valid_set(d.validation, window, window);
  const std::unique_ptr<RankGroup> group = join_ranks(o);
  return run_training(c, train_set, valid_set, o, "in-memory", group.get());
}

}  // namespace mlstm
