#pragma once
// Jam presets: JSON objects of knob names and values (presets/*.json), and MIDI learn's bindings
// of controllers, e.g.
//   {"name": "sparse ballad", "mode": "call-and-response", "width": 4, "temperature": 0.7,
//    "midi": {"1": "temperature", "64": "answer-now", "key 21": "stop-answer"}}
// Reading names the file and the field that is wrong; writing is atomic.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "perform/jam_settings.hpp"

namespace mlstm::rt {

class PresetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies the preset's fields over `settings`. Throws PresetError naming the file and the field.
void load_preset(const std::filesystem::path& file, JamSettings& settings);
// The two halves of load_preset(): the file's JSON object (PresetError when it is not one), and
// its fields applied over `settings` (all or, on a PresetError naming `origin` and the field,
// none), so that a live jam applies a preset under its knobs' lock without reading a file there.
nlohmann::json read_preset(const std::filesystem::path& file);
void apply_preset(const nlohmann::json& preset, const std::string& origin, JamSettings& settings);
// Every knob as the text set_knob() reads, by name: what the jam's report and the panel's memory
// hold.
nlohmann::json knob_texts(const JamSettings& settings);

// MIDI learn's bindings as a preset's "midi" object, and back (PresetError says what is wrong).
nlohmann::ordered_json bindings_json(const std::vector<ControllerBinding>& bindings);
std::vector<ControllerBinding> bindings_from_json(const nlohmann::json& midi);

void save_preset(const std::filesystem::path& file, const std::string& name,
                 const JamSettings& settings);

}  // namespace mlstm::rt
