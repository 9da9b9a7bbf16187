#pragma once
// Where a shell without a host (the standalone program) gets a host's transport from: an Ableton
// Link session (link/link_session.hpp). The core driver asks it at every block and hands what it
// says to JamCore::process(), as a plugin host hands its own transport.

#include <cstdint>

#include "core/host_transport.hpp"
#include "engine/nonblocking.hpp"

namespace mlstm::rt {

class TransportProvider {
 public:
  virtual ~TransportProvider() = default;
  // [audio-thread] The transport at the first frame of the block that starts at `block_start`.
  // Never allocates, locks or waits.
  virtual HostTransport at_block(std::int64_t block_start,
                                 int sample_rate) noexcept MLSTM_NONBLOCKING = 0;
};

}  // namespace mlstm::rt
