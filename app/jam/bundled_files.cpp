#include "jam/bundled_files.hpp"

#include <system_error>
#include <vector>

#include "api/continuation_engine.hpp"

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

std::filesystem::path resolve_model(const std::string& given) {
  constexpr const char* kDefaultModel = "models/default/model.ckpt";
  if (!given.empty()) return given;
  if (const auto found = find_bundled(kDefaultModel)) return *found;
  throw ModelError(std::string("no model given and no default model found (") + kDefaultModel +
                   "): pass --model FILE.ckpt (music-lstm train makes one)");
}

}  // namespace mlstm::app
