#include "decode/register_keep.hpp"

#include <algorithm>
#include <cmath>

#include "decode/onset_limits.hpp"

namespace mlstm {
namespace {

double mean_pitch(std::span<const NoteFeatures> notes) {
  double sum = 0;
  for (const NoteFeatures& f : notes) sum += f.pitch;
  return notes.empty() ? 0.0 : sum / static_cast<double>(notes.size());
}

}  // namespace

double phrase_register(std::span<const NoteFeatures> notes) {
  return mean_pitch(notes.last(std::min(notes.size(), kPaceNotes)));
}

double register_cost(std::span<const NoteFeatures> answer, double player_register) {
  if (answer.empty()) return 0.0;
  const std::size_t half = answer.size() / 2;
  const double first = mean_pitch(answer.first(half)), second = mean_pitch(answer.subspan(half));
  double cost = half > 0 ? std::abs(first - second) : 0.0;
  if (player_register > 0.0) cost += std::abs(mean_pitch(answer) - player_register);
  return cost;
}

}  // namespace mlstm
