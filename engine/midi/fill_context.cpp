#include "midi/fill_context.hpp"

#include <algorithm>

namespace mlstm {

std::vector<NoteFeatures> fill_context(std::vector<NoteFeatures> context, std::size_t notes) {
  if (context.empty() || context.size() >= notes) return context;
  const std::size_t played = context.size();
  // The repeat starts one step after the phrase's last note, as far as its notes were apart.
  double mean_step = 0;
  for (std::size_t i = 1; i < played; ++i) mean_step += context[i].step;
  mean_step = played > 1 ? mean_step / static_cast<double>(played - 1) : 0.5;
  std::vector<NoteFeatures> out;
  out.reserve(notes);
  // Earlier repeats first, the real phrase last: the model reads the player's notes as the newest.
  const std::size_t missing = notes - played;
  const double restart = mean_step > 0 ? mean_step : 0.5;
  for (std::size_t i = 0; i < missing; ++i) {
    const std::size_t index = (played - missing % played + i) % played;
    NoteFeatures f = context[index];
    if (index == 0) f.step = restart;
    out.push_back(f);
  }
  for (const NoteFeatures& f : context) out.push_back(f);
  out[missing].step = restart;
  out.front().step = 0;
  return out;
}

std::vector<NoteFeatures> chain_context(std::span<const NoteFeatures> player,
                                        std::span<const NoteFeatures> chain, std::size_t notes) {
  const std::size_t anchor = std::min({kChainAnchorNotes, player.size(), notes / 2});
  const std::size_t from_chain = std::min(chain.size(), notes - anchor);
  const std::size_t from_player = std::min(player.size(), notes - from_chain);
  std::vector<NoteFeatures> out(player.end() - static_cast<std::ptrdiff_t>(from_player),
                                player.end());
  out.insert(out.end(), chain.end() - static_cast<std::ptrdiff_t>(from_chain), chain.end());
  return out;
}

}  // namespace mlstm
