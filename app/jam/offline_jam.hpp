#pragma once
// The offline jam (--offline, and the demo): the replayed player and the model's answers through
// the offline audio path, as fast as the machine allows and deterministic: the performer ticks
// before each block, and an answer is computed when it is first needed.

#include "jam/jam_args.hpp"
#include "perform/jam.hpp"
#include "session/session.hpp"

namespace mlstm::app {

// [main-thread] Renders until the replay and the answers are done (continuous mode: at most two
// minutes past the replay) or --seconds, into --render when given; says what it wrote.
void run_offline_jam(const JamArgs& a, rt::Jam& jam, rt::Session& session);

}  // namespace mlstm::app
