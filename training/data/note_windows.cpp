#include "data/note_windows.hpp"

#include <algorithm>

#include "data/sustain_pedal.hpp"
#include "midi/note_features.hpp"

namespace mlstm {

WindowSet::WindowSet(const MaestroIndex& index, const NoteCache& cache, Split split,
                     int64_t window_notes, int64_t stride, const NoteSelection& selection,
                     bool sustain_pedal)
    : window_(window_notes) {
  std::vector<std::vector<NoteFeatures>> perfs;
  for (const Performance* p : index.of_split(split)) {
    const CachedPerformance* e = cache.find(p->midi_filename);
    if (!e || !e->ok) continue;
    std::vector<Note> notes = select_notes(e->notes, e->track_names, selection);
    if (sustain_pedal) notes = apply_sustain_pedal(notes, e->pedals);
    perfs.push_back(to_features(notes));
  }
  build(perfs, stride);
}

WindowSet::WindowSet(const std::vector<std::vector<NoteFeatures>>& performances,
                     int64_t window_notes, int64_t stride)
    : window_(window_notes) {
  build(performances, stride);
}

WindowSet::WindowSet(Rows r)
    : window_(r.window_notes),
      performances_(r.performances),
      too_short_(r.too_short),
      pitch_(std::move(r.pitch)),
      step_(std::move(r.step)),
      duration_(std::move(r.duration)),
      velocity_(std::move(r.velocity)),
      starts_(std::move(r.starts)) {}

void WindowSet::build(const std::vector<std::vector<NoteFeatures>>& perfs, int64_t stride) {
  int64_t total = 0;
  for (const auto& p : perfs) total += static_cast<int64_t>(p.size());
  pitch_ = torch::empty({total}, torch::kInt64);
  step_ = torch::empty({total}, torch::kFloat32);
  duration_ = torch::empty({total}, torch::kFloat32);
  velocity_ = torch::empty({total}, torch::kFloat32);
  auto pa = pitch_.accessor<int64_t, 1>();
  auto sa = step_.accessor<float, 1>();
  auto da = duration_.accessor<float, 1>();
  auto va = velocity_.accessor<float, 1>();
  std::vector<int64_t> starts;
  int64_t row = 0;
  for (const auto& p : perfs) {
    const int64_t n = static_cast<int64_t>(p.size());
    for (int64_t off = 0; off + window_ <= n; off += stride) starts.push_back(row + off);
    for (const NoteFeatures& f : p) {
      pa[row] = f.pitch;
      sa[row] = static_cast<float>(f.step);
      da[row] = static_cast<float>(f.duration);
      va[row] = static_cast<float>(f.velocity);
      ++row;
    }
  }
  performances_ = perfs.size();
  too_short_ =
      static_cast<std::size_t>(std::count_if(perfs.begin(), perfs.end(), [&](const auto& p) {
        return static_cast<int64_t>(p.size()) < window_;
      }));
  starts_ = torch::tensor(starts, torch::kInt64);
}

NoteTensors WindowSet::batch(const torch::Tensor& ids) const {
  const int64_t b = ids.size(0);
  const auto rows = (starts_.index_select(0, ids).unsqueeze(1) +
                     torch::arange(window_, torch::kInt64).unsqueeze(0))
                        .reshape({-1});
  auto take = [&](const torch::Tensor& t) { return t.index_select(0, rows).view({b, window_}); };
  return {take(pitch_), take(step_), take(duration_), take(velocity_)};
}

}  // namespace mlstm
