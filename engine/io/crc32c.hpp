#pragma once
// CRC-32C (Castagnoli), as TFRecord files (TensorBoard event files) need, and the checksum of an
// exported model (model/exported_model.hpp). Written here because
// Debian packages no C++ CRC-32C library (google/crc32c is not in Debian 12); a table-driven
// implementation is 20 lines and is checked against the standard test vectors in the unit tests.

#include <cstddef>
#include <cstdint>

namespace mlstm {

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);
// TFRecord's masked CRC: rotate right by 15 and add a constant.
inline std::uint32_t masked_crc32c(const void* data, std::size_t size) {
  const std::uint32_t c = crc32c(data, size);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

}  // namespace mlstm
