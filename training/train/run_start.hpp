#pragma once
// How a run begins: fresh; from another checkpoint's weights (--init-from: its model must be the
// configuration's, up to what shapes no weight, and attention may be added); or resumed from the
// run folder's last checkpoint or one named (--resume, --resume-from: the weights, Adam's moments
// and the run state, the model and loss configuration checked against the file's). Each refusal
// is one TrainingError line that says what to do.

#include <torch/torch.h>

#include <cstdint>

#include "dist/data_parallel.hpp"
#include "model/model_config.hpp"
#include "model/note_model.hpp"
#include "train/run_state.hpp"
#include "train/trainer.hpp"

namespace mlstm {

// The checkpoint `o` resumes from, or empty when the run is not resumed.
std::filesystem::path resume_path(const TrainOptions& o);

// Loads --init-from's weights into `model` (nothing when there is none or the run resumes).
void init_from(const RunConfig& c, const TrainOptions& o, NoteModel& model);

// Resumes from `from` (resume_path()): the weights, Adam's moments, the run state and its rate.
// Returns the step until which the rate warms up: past the state's step when the file holds no
// moments (a shipped model), else 0.
std::int64_t resume_run(const RunConfig& c, const TrainOptions& o,
                        const std::filesystem::path& from, NoteModel& model,
                        torch::optim::Adam& opt, RunState& st, const torch::Device& device);

// A run of several ranks starts as rank 0's, which alone reads the files: its weights (fresh,
// --init-from or resumed), Adam's moments, the run state and the warm-up's end. Nothing with
// one rank.
void share_run_start(DataParallel& dp, NoteModel& model, torch::optim::Adam& opt, RunState& st,
                     std::int64_t& warmup_until, const torch::Device& device);

}  // namespace mlstm
