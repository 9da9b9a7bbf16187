#pragma once
// What the panel of a live jam is given (ui::PanelContext): the jam's knobs, performer and
// keyboard, the session's devices, recording and report, and the model swap; each a call into
// the object that owns it, so that the panel (ui/) knows nothing of the session's wiring.

#include "jam/jam_args.hpp"
#include "jam/model_swap.hpp"
#include "panel/jam_panel.hpp"
#include "perform/jam.hpp"
#include "session/session.hpp"

namespace mlstm::app {

// [main-thread] `shown`: the session's report as the main loop last read it (the panel reads it
// every frame). Every reference must outlive the panel.
ui::PanelContext jam_panel_context(const JamArgs& a, rt::Jam& jam, rt::Session& session,
                                   rt::InputRouter& keyboard, ModelSwap& swap,
                                   const rt::SessionReport& shown);

}  // namespace mlstm::app
