#pragma once
// A WindowSet's rows in one file, for the ranks of one machine to share (data-parallel training,
// training/dist/): the machine's first rank builds the windows from the note cache and saves them
// here; every rank then maps the file read-only, and the kernel keeps one copy of its pages for
// all of them, where each rank would otherwise hold its own copy of the rows (and of the note
// cache they came from).
//
//   "MLSTMWIN"  u32 version  u32 0  i64 window_notes, performances, too_short, notes, windows
//   then, each at a multiple of 64 bytes: pitch (i64 x notes), step, duration, velocity
//   (f32 x notes), starts (i64 x windows). Little-endian, as this machine writes it.
//
// The file is written atomically (temp file + rename). The tensors of a mapped set point into
// the mapping (LibTorch's from_blob), which lives as long as any of them.

#include <filesystem>

#include "data/note_windows.hpp"

namespace mlstm {

inline constexpr std::uint32_t kWindowFileVersion = 1;

void save_window_set(const WindowSet& set, const std::filesystem::path& path);

// Throws std::runtime_error naming the file when it cannot be read, is not a window file of
// this version, or is shorter than its header says.
WindowSet map_window_set(const std::filesystem::path& path);

}  // namespace mlstm
