#pragma once
// Files that ship with music-lstm (the default model, the demo phrase, presets), found from where
// the program is run or from where the binary is: the source tree's root when run as
// build/music-lstm, or an install's share/music-lstm.

#include <filesystem>
#include <optional>

namespace mlstm::app {

// `relative` (e.g. "models/default/model.ckpt") in the current folder, beside the binary's
// folder, or in ../share/music-lstm from it; nothing when none has it.
std::optional<std::filesystem::path> find_bundled(const std::filesystem::path& relative);

}  // namespace mlstm::app
