#pragma once
// The training loop of `music-lstm train`: windows from the note cache, Adam with gradient
// clipping and a learning-rate schedule, validation every epoch, early stopping; checkpoints
// every epoch (last.ckpt) and at the best validation loss (best.ckpt); TensorBoard event files and
// metrics.csv; the time budget (max_minutes) ends the epoch in progress early, validates and saves
// it, and stops; a stop request (Ctrl-C) saves a checkpoint mid-epoch and returns, and
// `resume` continues from it exactly (on the CPU, for the same seed). Every `checkpoint_minutes`
// last.ckpt is also saved mid-epoch, so a run killed without warning (a machine switched off, a
// SIGKILL) loses at most that much work.

#include <c10/core/Device.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "data/midi_folder.hpp"
#include "data/note_selection.hpp"
#include "dist/launch_env.hpp"
#include "midi/note_features.hpp"
#include "model/model_config.hpp"

namespace mlstm {

struct TrainProgress {
  int epoch = 0;
  std::int64_t step = 0;  // optimizer steps since the run began
  double loss = 0.0;
  double learning_rate = 0.0;  // the rate this step used
};

struct TrainOptions {
  std::filesystem::path data;  // MAESTRO, or any folder of MIDI files
  DataSplitOptions split;      // a plain folder's validation and test shares
  NoteSelection selection;     // which tracks and channels of each file are learnt from
  // Fine-tuning: start from this checkpoint's weights (its model configuration must be the run's).
  std::filesystem::path init_from;
  // A dataset whose validation split measures what the model knew, before and after (fine-tuning
  // on a few minutes of music must not undo it); empty: none. At most `reference_windows` windows.
  std::filesystem::path reference_data;
  std::int64_t reference_windows = 2000;
  std::filesystem::path out;  // run folder: checkpoints, events, metrics.csv
  bool resume = false;
  // Continue the run recorded in this checkpoint (its epoch, step, learning rate, best validation
  // loss and history) into `out`, e.g. a shipped model.ckpt whose optimizer state was stripped:
  // a run that outlives the machine it started on. Adam's moments come back when the file holds
  // them; otherwise they start from zero and the learning rate warms up (kFreshMomentsWarmup).
  std::filesystem::path resume_from;
  std::string device = "auto";       // auto, cpu, cuda
  std::filesystem::path cache_root;  // empty: default
  bool progress = true;
  // Save last.ckpt mid-epoch when this much wall-clock time has passed since the last save; 0:
  // only at the end of each epoch and on a stop request.
  double checkpoint_minutes = 0.0;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT) to save and stop
  // Data-parallel training (training/dist/): this process's place among the run's ranks
  // (torchrun's environment; one rank by default), the backend ("auto": Gloo on the CPU, NCCL on
  // CUDA), how long a collective waits for the other ranks before the run stops with one line,
  // and every how many steps the ranks' parameters are checked to agree (0: never).
  LaunchEnv launch;
  std::string dist_backend = "auto";
  double dist_timeout_s = 60.0;
  std::int64_t dist_check_every = 0;
  std::function<void(const TrainProgress&)> on_step;  // after every optimizer step
};

struct TrainResult {
  // The reference split's pitch NLL (nats) before training and of the best checkpoint after; NaN
  // without reference_data.
  double reference_before = std::nan(""), reference_after = std::nan("");
  int epochs_completed = 0;
  std::int64_t steps = 0;
  double best_validation = 0.0;
  std::string stopped_because;  // "finished", "early stopping", "time budget", "interrupted"
  std::filesystem::path last_checkpoint, best_checkpoint;
};

// Steps over which the learning rate rises linearly to its value when a run resumes without
// Adam's moments: the first steps of Adam from zero moments move every weight by about the
// learning rate whatever its gradient, which would jolt a trained model.
inline constexpr std::int64_t kFreshMomentsWarmup = 500;

class TrainingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "cpu", "cuda" or "auto" (CUDA when LibTorch sees a device); with CUDA, the GPU of the rank's
// place on its machine (LOCAL_RANK, modulo the GPUs there). Throws TrainingError for CUDA asked
// for and absent, or another name.
c10::Device pick_device(const std::string& name, int local_rank = 0);

TrainResult train(const RunConfig& config, const TrainOptions& options);

// For tests and tools on data already in memory: the same loop over given performances.
struct InMemoryData {
  std::vector<std::vector<NoteFeatures>> train, validation;
};
TrainResult train_in_memory(const RunConfig& config, const InMemoryData& data,
                            const TrainOptions& options);

}  // namespace mlstm
