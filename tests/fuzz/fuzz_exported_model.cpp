// libFuzzer target for the exported model's loader (model/exported_model.hpp): any bytes must give
// a model whose arrays fit its configuration or one ExportedModelError, never a crash, a hang, a
// sanitizer report or an allocation larger than the bytes given.
//
// Each input is tried twice: as it is, and with its last four bytes rewritten to the checksum of
// the rest, so that the fuzzer's mutations reach the header and the arrays behind the checksum.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "io/crc32c.hpp"
#include "model/exported_model.hpp"

namespace {

void parse(std::span<const std::uint8_t> bytes) {
  try {
    const mlstm::ExportedModel m = mlstm::parse_exported_model(std::as_bytes(bytes), "fuzz");
    // A model that loads is whole: its arrays fit its configuration.
    m.packed.check();
  } catch (const mlstm::ExportedModelError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parse({data, size});
  if (size >= 4) {
    std::vector<std::uint8_t> fixed(data, data + size);
    const std::uint32_t crc = mlstm::crc32c(fixed.data(), size - 4);
    std::memcpy(fixed.data() + size - 4, &crc, 4);
    parse(fixed);
  }
  return 0;
}
