#include "decode/beam_search.hpp"

#include "decode/note_search.hpp"
#include "decode/torch_note_decoder.hpp"

namespace mlstm {

NoteTensors notes_to_tensors(std::span<const NoteFeatures> notes, const torch::Device& device) {
  const auto n = static_cast<int64_t>(notes.size());
  // Filled through an accessor on the host, then one copy to the device.
  auto rows = torch::empty({4, n}, torch::kFloat32);
  auto row = rows.accessor<float, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const NoteFeatures& f = notes[static_cast<std::size_t>(i)];
    row[0][i] = static_cast<float>(f.pitch);
    row[1][i] = static_cast<float>(f.step);
    row[2][i] = static_cast<float>(f.duration);
    row[3][i] = static_cast<float>(f.velocity);
  }
  rows = rows.to(device);
  return {rows[0].to(torch::kInt64).view({1, n}), rows[1].view({1, n}), rows[2].view({1, n}),
          rows[3].view({1, n})};
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
                            prime, total, settings,
                            static_cast<std::size_t>(model.config().context_notes));
}

}  // namespace mlstm
