#include "jam/bundled_files.hpp"

#include <system_error>
#include <vector>

namespace mlstm::app {

std::optional<std::filesystem::path> find_bundled(const std::filesystem::path& relative) {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::filesystem::path> roots = {std::filesystem::current_path(ec)};
  if (!exe.empty()) {
    roots.push_back(exe.parent_path().parent_path());
    roots.push_back(exe.parent_path().parent_path() / "share" / "music-lstm");
  }
  for (const auto& root : roots) {
    const auto candidate = root / relative;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

}  // namespace mlstm::app
