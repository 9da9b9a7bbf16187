#include "decode/beam_search.hpp"

#include "decode/note_search.hpp"
#include "decode/torch_note_decoder.hpp"

namespace mlstm {

NoteTensors notes_to_tensors(std::span<const NoteFeatures> notes, const torch::Device& device) {
  const auto n = static_cast<int64_t>(notes.size());
  auto pitch = torch::empty({1, n}, torch::kInt64);
  auto step = torch::empty({1, n}, torch::kFloat32);
  auto duration = torch::empty({1, n}, torch::kFloat32);
  auto velocity = torch::empty({1, n}, torch::kFloat32);
  for (int64_t i = 0; i < n; ++i) {
    const NoteFeatures& f = notes[static_cast<std::size_t>(i)];
    pitch[0][i] = f.pitch;
    step[0][i] = f.step;
    duration[0][i] = f.duration;
    velocity[0][i] = f.velocity;
  }
  return NoteTensors{pitch, step, duration, velocity}.to(device);
}

SearchResult beam_search(NoteModelImpl& model, std::span<const NoteFeatures> context,
                         const SearchSettings& s) {
  TorchNoteDecoder decoder(model, s.redecode_prefix);
  return NoteSearch(decoder)(context, s);
}

std::vector<NoteFeatures> continue_song(NoteModelImpl& model, std::span<const NoteFeatures> prime,
                                        int total, const SearchSettings& settings) {
  return continue_song_with([&](std::span<const NoteFeatures> song,
                                const SearchSettings& s) { return beam_search(model, song, s); },
                            prime, total, settings);
}

}  // namespace mlstm
