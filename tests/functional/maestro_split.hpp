#pragma once
// What the functional measurements on MAESTRO share: the index of the folder and the split asked
// for, or the exit code that says why not (77, ctest's "skipped", when MAESTRO is absent).
#include <cstdio>
#include <filesystem>
#include <string>

#include "maestro/maestro_index.hpp"

namespace mlstm::test {

// 0 with `index` and `split` set; 77 (skipped, said) without MAESTRO at `root`; 2 for a split
// that does not exist (said).
inline int open_maestro_split(const std::filesystem::path& root, const std::string& split_name,
                              MaestroIndex& index, Split& split) {
  if (!std::filesystem::exists(root / "maestro-v3.0.0.csv")) {
    std::printf("MAESTRO is not at %s: skipped\n", root.c_str());
    return 77;
  }
  const auto parsed = parse_split(split_name);
  if (!parsed) {
    std::fprintf(stderr, "unknown split %s (train, validation or test)\n", split_name.c_str());
    return 2;
  }
  split = *parsed;
  index = load_maestro_index(root);
  return 0;
}

}  // namespace mlstm::test
