#pragma once
// Writing files so that a reader (or a crash) never sees half of one: the bytes go to a temporary
// file beside the target, which is flushed to disk and then renamed over the target.

#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace mlstm {

// Writes `bytes` to `path` atomically. Throws std::runtime_error with one line naming the file.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Streams into a temporary file through `write`, then renames it over `path`. If `write` throws,
// the temporary file is removed and `path` is left as it was.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& write);

}  // namespace mlstm
