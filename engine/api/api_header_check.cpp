// Compiled without LibTorch's include paths (engine/CMakeLists.txt): proves the engine's
// interface header stays torch-free, as realtime/ and ui/ need.
#include "api/continuation_engine.hpp"

namespace mlstm {
// Uses the interface so the compiler checks what it names, not only the include.
[[maybe_unused]] static std::size_t (*const kUse)(ContinuationEngine&) = [](ContinuationEngine& e) {
  return e.continue_notes({}, SearchSettings{}).size();
};
}  // namespace mlstm
