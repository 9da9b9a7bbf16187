#pragma once
// Files that ship with music-lstm (the default model, the demo phrase, presets), found from where
// the program is run or from where the binary is: the source tree's root when run as
// build/music-lstm, or an install's share/music-lstm.

#include <filesystem>
#include <optional>
#include <string>

namespace mlstm::app {

// `relative` (e.g. "models/default/model.ckpt") in the current folder, beside the binary's
// folder, or in ../share/music-lstm from it; nothing when none has it.
std::optional<std::filesystem::path> find_bundled(const std::filesystem::path& relative);

// The model a command uses: `given`, else the shipped models/default/model.ckpt. Throws
// ModelError saying what to pass when there is neither.
std::filesystem::path resolve_model(const std::string& given);

}  // namespace mlstm::app
