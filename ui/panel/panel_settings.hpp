#pragma once
// What the panel remembers between runs: the window's size and the last jam settings, in
// $XDG_CONFIG_HOME/music-lstm/panel.json (default ~/.config/music-lstm/), written atomically. A
// missing or unreadable file gives the defaults: remembering is a convenience, never an error.

#include <filesystem>
#include <optional>

#include "perform/jam_settings.hpp"

namespace mlstm::ui {

struct PanelMemory {
  int width = 1180, height = 720;
  std::optional<rt::JamSettings> settings;
};

// The folder of the user's panel file and presets.
std::filesystem::path config_dir();

PanelMemory load_panel_memory(const std::filesystem::path& file = config_dir() / "panel.json");
// False (and nothing changed) when it cannot be written.
bool save_panel_memory(const PanelMemory& memory,
                       const std::filesystem::path& file = config_dir() / "panel.json");

}  // namespace mlstm::ui
