#pragma once
// What a training run writes and says: its checkpoints (last.ckpt after every epoch, on a stop
// request and every checkpoint_minutes; best.ckpt at the best validation loss), TensorBoard's
// event file, metrics.csv and steps.csv, the progress bar and each epoch's lines. Every file is
// written atomically. When several processes train one run, rank 0's sinks write and say all
// this; the other ranks' sinks (`writes` false) do nothing, so the loop reads the same on every
// rank.

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "log/tensorboard_writer.hpp"
#include "model/model_config.hpp"
#include "model/note_model.hpp"
#include "progress/progress_bar.hpp"
#include "train/run_state.hpp"
#include "train/trainer.hpp"

namespace mlstm {

class RunSinks {
 public:
  RunSinks(const RunConfig& c, const TrainOptions& o, std::string data_description,
           const torch::Device& device, NoteModel& model, torch::optim::Adam& opt,
           bool writes = true);

  const std::filesystem::path& last_path() const { return last_; }
  const std::filesystem::path& best_path() const { return best_; }

  // A checkpoint of the model, Adam's state and `st` at `path`.
  void save(const std::filesystem::path& path, const RunState& st) const;

  // An epoch of `windows` windows begins (its progress bar).
  void epoch_begins(const RunState& st, std::int64_t windows);
  // After each step: the bar at `windows_done`, the step's loss to TensorBoard when `st` kept an
  // entry of steps.csv for it.
  void step_done(const RunState& st, std::int64_t windows_done, double loss, bool entry_kept);
  // True when checkpoint_minutes have passed since the last save.
  bool checkpoint_due() const;
  // last.ckpt mid-epoch, at the position after the batch just done.
  void save_mid_epoch(const RunState& st);
  // The epoch's batches are over: "" when all ran (or the time budget ended them), "stopped" on
  // a stop request.
  void epoch_trained(const std::string& how = "");
  // The epoch was validated: `row` (its metrics.csv row) to TensorBoard and the terminal.
  void epoch_validated(const nlohmann::json& row, bool improved);
  // After the epoch (`st` past it): best.ckpt when `improved`, last.ckpt, metrics.csv, steps.csv.
  void epoch_saved(const RunState& st, bool improved);

 private:
  const RunConfig& c_;
  const TrainOptions& o_;
  const std::string data_;
  const torch::Device device_;
  NoteModel& model_;
  torch::optim::Adam& opt_;
  const std::filesystem::path last_, best_;
  const bool writes_;
  std::unique_ptr<TensorBoardWriter> tb_;  // null when the sinks do not write
  std::unique_ptr<ProgressBar> bar_;
  std::chrono::steady_clock::time_point last_save_;
};

}  // namespace mlstm
