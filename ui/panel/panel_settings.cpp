#include "panel/panel_settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "perform/jam_preset.hpp"

namespace mlstm::ui {

std::filesystem::path config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "music-lstm";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".config" / "music-lstm";
}

PanelMemory load_panel_memory(const std::filesystem::path& file) {
  PanelMemory memory;
  std::ifstream in(file);
  if (!in) return memory;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return memory;
  if (j.contains("width") && j["width"].is_number_integer()) {
    memory.width = std::clamp(j["width"].get<int>(), 640, 8192);
  }
  if (j.contains("height") && j["height"].is_number_integer()) {
    memory.height = std::clamp(j["height"].get<int>(), 480, 8192);
  }
  if (j.contains("settings") && j["settings"].is_object()) {
    rt::JamSettings s;
    bool all = true;
    for (const auto& [name, value] : j["settings"].items()) {
      if (!value.is_string() || !rt::set_knob(s, name, value.get<std::string>()).empty()) {
        all = false;
      }
    }
    if (j.contains("midi")) {
      try {
        s.bindings = rt::bindings_from_json(j["midi"]);
      } catch (const rt::PresetError&) {
        all = false;  // as with a bad setting: the panel starts from the defaults
      }
    }
    if (all) memory.settings = s;
  }
  return memory;
}

bool save_panel_memory(const PanelMemory& memory, const std::filesystem::path& file) {
  nlohmann::json j = {{"width", memory.width}, {"height", memory.height}};
  if (memory.settings) {
    j["settings"] = rt::knob_texts(*memory.settings);
    if (!memory.settings->bindings.empty())
      j["midi"] = rt::bindings_json(memory.settings->bindings);
  }
  try {
    std::filesystem::create_directories(file.parent_path());
    write_file_atomically(file, j.dump(2) + "\n");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace mlstm::ui
