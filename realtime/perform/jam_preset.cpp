#include "perform/jam_preset.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/atomic_file.hpp"

namespace mlstm::rt {

std::vector<ControllerBinding> bindings_from_json(const nlohmann::json& midi) {
  if (!midi.is_object()) {
    throw PresetError(
        "'midi' must map controller numbers (or keys: \"key 21\") to settings or actions, e.g. "
        "{\"1\": \"temperature\"}");
  }
  std::vector<ControllerBinding> out;
  for (const auto& [name, target] : midi.items()) {
    ControllerBinding b;
    if (!parse_control_name(name, b)) {
      throw PresetError("'midi': '" + name +
                        "' is not a controller number (0..127) or a key ('key 21')");
    }
    const std::string what = b.key ? name : "controller " + name;
    if (!target.is_string())
      throw PresetError("'midi': " + what + " must name a setting or an action");
    if (const std::string e = binding_target_error(target.get<std::string>()); !e.empty()) {
      throw PresetError("'midi': " + what + ": " + e);
    }
    b.target = target.get<std::string>();
    add_binding(out, b);
  }
  return out;
}

nlohmann::ordered_json bindings_json(const std::vector<ControllerBinding>& bindings) {
  nlohmann::ordered_json midi = nlohmann::ordered_json::object();
  for (const ControllerBinding& b : bindings) midi[control_name(b)] = b.target;
  return midi;
}

nlohmann::json read_preset(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw PresetError("cannot read the preset " + file.string() + ": no such file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw PresetError("the preset " + file.string() + " is not valid JSON (byte " +
                      std::to_string(e.byte) + ")");
  }
  if (!j.is_object()) {
    throw PresetError("the preset " + file.string() + " must be a JSON object of settings");
  }
  return j;
}

void apply_preset(const nlohmann::json& j, const std::string& origin, JamSettings& settings) {
  JamSettings changed = settings;
  for (const auto& [key, value] : j.items()) {
    if (key == "name" || key == "description") continue;
    if (key == "midi") {
      try {
        changed.bindings = bindings_from_json(value);
      } catch (const PresetError& e) {
        throw PresetError("the preset " + origin + ": field " + e.what());
      }
      continue;
    }
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_boolean()) {
      text = value.get<bool>() ? "on" : "off";
    } else if (value.is_number()) {
      text = value.dump();
    } else {
      throw PresetError("the preset " + origin + ": field '" + key +
                        "' must be a number or a string");
    }
    if (const std::string error = set_knob(changed, key, text); !error.empty()) {
      throw PresetError("the preset " + origin + ": field " + error);
    }
  }
  settings = changed;
}

void load_preset(const std::filesystem::path& file, JamSettings& settings) {
  apply_preset(read_preset(file), file.string(), settings);
}

nlohmann::json knob_texts(const JamSettings& settings) {
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& name : knob_names()) out[name] = knob_value(settings, name);
  return out;
}

void save_preset(const std::filesystem::path& file, const std::string& name,
                 const JamSettings& settings) {
  nlohmann::ordered_json j;
  j["name"] = name;
  for (const std::string& knob : knob_names()) {
    const std::string text = knob_value(settings, knob);
    // Numbers as numbers, so the file reads naturally.
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (!text.empty() && end && *end == '\0') {
      j[knob] = text.find_first_of(".eE") == std::string::npos
                    ? nlohmann::ordered_json(std::stoull(text))
                    : nlohmann::ordered_json(number);
    } else {
      j[knob] = text;
    }
  }
  if (!settings.bindings.empty()) j["midi"] = bindings_json(settings.bindings);
  write_file_atomically(file, j.dump(2) + "\n");
}

}  // namespace mlstm::rt
