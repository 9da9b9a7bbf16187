#pragma once
// The live jam's front end around a started session: the panel (with its own computer keyboard
// as a second player input) or, without a display, control lines on standard input; the
// session's devices polled every 100 ms (a device that disappears ends the jam with a line);
// until the window closes, Ctrl-C, "quit" or --seconds. The panel remembers its size and the
// knobs for the next run.

#include <string>

#include "api/continuation_engine.hpp"
#include "jam/jam_args.hpp"
#include "perform/jam.hpp"
#include "session/session.hpp"

namespace mlstm::app {

// The model the jam started with, for the panel's model swap.
struct LiveModel {
  ComputeDevice device;
  DecoderPath decoder;
  int context_notes = 0;
  std::string description;
};

// [main-thread] The knobs a jam starts from before its options: the panel's memory of the last
// run where a panel will show (live, not headless, a display there), else the defaults.
rt::JamSettings remembered_settings(const JamArgs& a, bool offline);

// [main-thread] Runs the live jam on `session` (not started yet): starts it and the jam's
// thread, and stops both however it ends. Returns the exit code (1: the audio device was lost);
// `playing` is set to the model playing at the end (the panel may have loaded another).
int run_live_jam(const JamArgs& a, rt::Jam& jam, rt::Session& session, const LiveModel& model,
                 std::string& playing);

}  // namespace mlstm::app
