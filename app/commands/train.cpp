// `music-lstm train`: train a model on MAESTRO or any folder of MIDI files from a configuration in
// presets/training/, from scratch or from a model's weights (fine-tuning).
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "commands/commands.hpp"
#include "commands/data_cli.hpp"
#include "dist/launch_env.hpp"
#include "dist/local_ranks.hpp"
#include "maestro/dataset.hpp"
#include "model/model_config.hpp"
#include "train/trainer.hpp"

namespace mlstm::app {
namespace {

std::atomic<bool> g_stop{false};

// First Ctrl-C: finish the batch, save a checkpoint, exit cleanly. A second one: the default
// action (exit at once); the checkpoint of the last epoch is still there.
extern "C" void on_sigint(int) {
  g_stop.store(true);
  std::signal(SIGINT, SIG_DFL);
}

struct TrainArgs {
  std::string config, data, out, device = "auto", cache, init_from, resume_from, reference_data;
  DataSplitOptions split;
  NoteSelection selection;
  std::int64_t reference_windows = 2000;
  double checkpoint_minutes = 10.0;
  bool resume = false, quiet = false;
  std::optional<int> epochs, batch_size, threads;
  std::optional<double> learning_rate, max_minutes;
  std::optional<std::uint64_t> seed;
  std::optional<std::int64_t> max_train_windows;
  int nproc = 1;
  std::string dist_backend = "auto";
  double dist_timeout = 60.0;
  std::int64_t dist_check_every = 0;
};

// This command line as it was typed (/proc/self/cmdline), without the program: what --nproc
// gives each rank.
std::vector<std::string> command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
  if (!args.empty()) args.erase(args.begin());
  return args;
}

// --nproc N (not in a rank it started): starts the N ranks and ends with their exit code.
void launch_ranks_if_asked(const TrainArgs& a) {
  if (a.nproc <= 1 || std::getenv(kLaunchedByEnv)) return;
  if (std::getenv("WORLD_SIZE")) {
    throw std::runtime_error(
        "--nproc starts its own ranks, but WORLD_SIZE is set (a launch by torchrun or by hand): "
        "give one or the other");
  }
  // A rank still running this long after another failed is stuck (its collectives time out
  // after --dist-timeout).
  const auto grace = std::chrono::seconds(static_cast<long long>(a.dist_timeout) + 30);
  const int code = run_local_ranks(a.nproc, std::filesystem::read_symlink("/proc/self/exe"),
                                   command_line(), grace);
  std::fflush(nullptr);
  std::exit(code);
}

void run(const TrainArgs& a) {
  launch_ranks_if_asked(a);
  RunConfig c = load_run_config(a.config);
  // Options override the file.
  if (a.epochs) c.train.epochs = *a.epochs;
  if (a.batch_size) c.train.batch_size = *a.batch_size;
  if (a.threads) c.train.threads = *a.threads;
  if (a.learning_rate) c.train.learning_rate = *a.learning_rate;
  if (a.max_minutes) c.train.max_minutes = *a.max_minutes;
  if (a.seed) c.train.seed = *a.seed;
  if (a.max_train_windows) c.train.max_train_windows = *a.max_train_windows;

  TrainOptions o;
  o.data = a.data.empty() ? default_data_dir() : std::filesystem::path(a.data);
  o.out = a.out.empty() ? std::filesystem::path("runs") / c.name : std::filesystem::path(a.out);
  o.resume = a.resume;
  o.split = a.split;
  o.selection = a.selection;
  o.init_from = a.init_from;
  o.resume_from = a.resume_from;
  o.reference_data = a.reference_data;
  o.reference_windows = a.reference_windows;
  o.device = a.device;
  o.cache_root = a.cache;
  o.progress = !a.quiet;
  o.checkpoint_minutes = a.checkpoint_minutes;
  o.stop = &g_stop;
  o.launch = read_launch_env(std::getenv);
  o.dist_backend = a.dist_backend;
  o.dist_timeout_s = a.dist_timeout;
  o.dist_check_every = a.dist_check_every;
  // Rank 0 says how the run goes; the others say only what goes wrong.
  const bool lead = o.launch.rank == 0;
  if (!lead) o.progress = false;
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  const TrainResult r = train(c, o);
  if (!lead) return;
  std::printf("%s after %d epochs, %lld steps (%s); best validation loss %.4f\n",
              r.stopped_because == "interrupted" ? "stopped" : "done", r.epochs_completed,
              static_cast<long long>(r.steps), r.stopped_because.c_str(), r.best_validation);
  std::printf("checkpoints: %s%s\n", r.last_checkpoint.c_str(),
              std::filesystem::exists(r.best_checkpoint)
                  ? (", " + r.best_checkpoint.string()).c_str()
                  : "");
  if (!std::isnan(r.reference_before) || !std::isnan(r.reference_after)) {
    std::printf("what it knew (%s, validation, pitch NLL): before %.4f, after %.4f nats\n",
                a.reference_data.c_str(), r.reference_before, r.reference_after);
  }
  std::printf("metrics: %s; TensorBoard: tensorboard --logdir %s\n",
              (o.out / "metrics.csv").c_str(), o.out.c_str());
  if (r.stopped_because == "interrupted") {
    // The command that goes on with the same data, device and threads (a plain folder's split and
    // track options, when given, must be given again).
    std::string again = "music-lstm train --config " + a.config;
    if (!a.data.empty()) again += " --data " + a.data;
    if (a.device != "auto") again += " --device " + a.device;
    if (a.threads) again += " --threads " + std::to_string(*a.threads);
    if (a.nproc > 1) again += " --nproc " + std::to_string(a.nproc);
    std::printf("continue with: %s --out %s --resume\n", again.c_str(), o.out.c_str());
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "train", "Train a model on MAESTRO or a folder of MIDI files (LibTorch, CPU or CUDA)");
  auto a = std::make_shared<TrainArgs>();
  cmd->add_option("--config", a->config, "Training configuration (presets/training/NAME.json)")
      ->required();
  cmd->add_option("--data", a->data,
                  "MAESTRO folder (music-lstm get-data fills it), or any folder of .mid/.midi "
                  "files (subfolders too)")
      ->default_str(default_data_dir().string());
  add_split_options(cmd, a->split);
  add_selection_options(cmd, a->selection);
  auto* init_from =
      cmd->add_option("--init-from", a->init_from,
                      "Fine-tune: start from this model's weights (its model configuration must be "
                      "--config's; see presets/training/finetune.json)")
          ->check(CLI::ExistingFile);
  cmd->add_option("--reference-data", a->reference_data,
                  "Measure the pitch NLL on this dataset's validation split before and after "
                  "(fine-tuning must not undo what the model knew), e.g. the MAESTRO folder");
  cmd->add_option("--reference-windows", a->reference_windows,
                  "Windows of --reference-data measured")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  cmd->add_option("--out", a->out, "Run folder: checkpoints, TensorBoard events, metrics.csv")
      ->default_str("runs/<configuration name>");
  auto* resume =
      cmd->add_flag("--resume", a->resume, "Continue the run in --out from its last checkpoint");
  auto* resume_from =
      cmd->add_option("--resume-from", a->resume_from,
                      "Continue the run recorded in this checkpoint (epoch, step, learning rate, "
                      "history) into --out, e.g. a shipped model.ckpt; without its optimizer "
                      "state Adam starts afresh with a short warm-up")
          ->check(CLI::ExistingFile);
  resume_from->excludes(resume);
  resume_from->excludes(init_from);
  resume->excludes(init_from);
  cmd->add_option("--device", a->device, "auto, cpu or cuda")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--epochs", a->epochs, "Override training.epochs");
  cmd->add_option("--batch-size", a->batch_size, "Override training.batch_size")
      ->check(CLI::Range(1, 65536));
  cmd->add_option("--lr", a->learning_rate, "Override training.learning_rate")
      ->check(CLI::Range(1e-7, 1.0));
  cmd->add_option("--seed", a->seed, "Override training.seed");
  cmd->add_option("--max-minutes", a->max_minutes, "Stop (and save) after this much training time");
  cmd->add_option("--checkpoint-minutes", a->checkpoint_minutes,
                  "Also save last.ckpt mid-epoch this often (wall clock), so a run killed without "
                  "warning loses at most this much; 0: at the end of each epoch only")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 24.0 * 60.0));
  cmd->add_option("--max-train-windows", a->max_train_windows, "Windows per epoch (0: all)");
  cmd->add_option("--threads", a->threads, "CPU threads for LibTorch (0: all cores)");
  cmd->add_option("--cache", a->cache, "Cache folder for the index and the notes");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bars");
  cmd->add_option("--nproc", a->nproc,
                  "Train data-parallel with this many processes (ranks) on this machine, as "
                  "torchrun --nproc-per-node would; --batch-size stays the global batch, split "
                  "among them. Several machines: launch each rank with torchrun's environment "
                  "(RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT; see the README)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--dist-backend", a->dist_backend,
                  "The ranks' collectives: gloo (CPU), nccl (CUDA); auto: by the device")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "gloo", "nccl"}));
  cmd->add_option("--dist-timeout", a->dist_timeout,
                  "Seconds a rank waits for the others before the run stops with one line (a "
                  "rank died, a machine dropped out)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 24.0 * 3600.0));
  cmd->add_option("--dist-check-every", a->dist_check_every,
                  "Debug: every N steps, check that the ranks' parameters agree bit for bit "
                  "(an all-reduced checksum); 0: never")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  cmd->footer(
      "Examples:\n"
      "  music-lstm train --config presets/training/tiny.json --data "
      "../shared/data/maestro-v3.0.0\n"
      "  music-lstm train --config presets/training/default.json --device cuda --out runs/big\n"
      "  music-lstm train --config presets/training/finetune.json --init-from "
      "models/default/model.ckpt --data my-recordings/ --reference-data "
      "../shared/data/maestro-v3.0.0\n"
      "  music-lstm train --config presets/training/default.json --nproc 2 --threads 1\n"
      "  RANK=0 WORLD_SIZE=2 MASTER_ADDR=10.0.0.1 MASTER_PORT=29500 music-lstm train ...  (and\n"
      "    RANK=1 on the second machine: data-parallel across machines)\n"
      "Ctrl-C saves a checkpoint; --resume continues the run, with any number of ranks.");
  cmd->callback([a] { run(*a); });
}

}  // namespace mlstm::app
