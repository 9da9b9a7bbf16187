#pragma once
// Where a jam runs: live on this machine's devices, offline (asked for with --offline), or the
// headless demo (asked for with --demo, or chosen when there is no audio device or MIDI system to
// play live on). Fills in what each needs: the demo its bundled phrase and output files, a live
// jam with no input named its virtual port.

#include "jam/jam_args.hpp"

namespace mlstm::app {

// [main-thread] Whether the jam runs offline (the demo included); `a` is completed for that
// place. Throws rt::DeviceError when a live jam was asked for a device there is not, and
// std::invalid_argument or std::runtime_error for what the place lacks (--offline with no
// --replay, a missing demo phrase).
bool choose_jam_place(JamArgs& a);

}  // namespace mlstm::app
