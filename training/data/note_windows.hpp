#pragma once
// Training windows over one split of the note cache: every performance's notes become feature
// rows (pitch, step, duration, velocity) in flat tensors, and a window is a run of consecutive
// rows inside one performance (context + target notes), starting every `stride` notes.
// A batch gathers windows by index, so an epoch costs no copies beyond the batches themselves.

#include <torch/torch.h>

#include "data/note_selection.hpp"
#include "maestro/maestro_index.hpp"
#include "maestro/note_cache.hpp"
#include "midi/note_features.hpp"
#include "model/note_model.hpp"

namespace mlstm {

class WindowSet {
 public:
  // Performances of `split` whose cache entry is ok, their notes chosen by `selection`;
  // `window_notes` rows a window.
  // With `sustain_pedal`, durations as heard (data/sustain_pedal.hpp).
  WindowSet(const MaestroIndex& index, const NoteCache& cache, Split split, int64_t window_notes,
            int64_t stride, const NoteSelection& selection = {}, bool sustain_pedal = false);
  // From feature rows already in memory (tests): one performance per vector.
  WindowSet(const std::vector<std::vector<NoteFeatures>>& performances, int64_t window_notes,
            int64_t stride);

  // The flat rows and window starts, as a window file keeps them (data/window_file.hpp).
  struct Rows {
    int64_t window_notes = 0;
    std::size_t performances = 0, too_short = 0;
    torch::Tensor pitch, step, duration, velocity, starts;  // int64, 3 x float32, int64
  };
  explicit WindowSet(Rows rows);
  Rows rows() const {
    return {window_, performances_, too_short_, pitch_, step_, duration_, velocity_, starts_};
  }

  int64_t size() const { return starts_.size(0); }  // windows
  int64_t notes() const { return pitch_.size(0); }
  std::size_t performances() const { return performances_; }
  // Performances left out: fewer notes than a window (after the selection).
  std::size_t too_short() const { return too_short_; }
  int64_t window_notes() const { return window_; }

  // The windows `ids` (int64, [B]) as [B, window_notes] tensors on the CPU.
  NoteTensors batch(const torch::Tensor& ids) const;

 private:
  void build(const std::vector<std::vector<NoteFeatures>>& performances, int64_t stride);
  int64_t window_;
  std::size_t performances_ = 0, too_short_ = 0;
  torch::Tensor pitch_, step_, duration_, velocity_, starts_;
};

}  // namespace mlstm
