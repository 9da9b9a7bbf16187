#include "plugin_model.hpp"

#include <filesystem>
#include <utility>

#include "model/exported_model.hpp"

namespace mlstm::plugin {

std::string PluginModel::load(const std::string& path, int max_context) {
  try {
    ExportedModel m = read_exported_model(path);
    if (max_context > 0 && m.run.model.context_notes > max_context) {
      return path + " reads " + std::to_string(m.run.model.context_notes) +
             " notes; this jam keeps " + std::to_string(max_context) +
             " (reload the plugin to play it)";
    }
    auto search = std::make_shared<fast::PackedSearch>(std::move(m.packed));
    const std::string status = std::string(to_string(m.run.model.kind)) + " " + m.run.name + ", " +
                               std::to_string(search->parameters()) + " parameters (" +
                               std::filesystem::path(path).filename().string() + ")";
    const std::lock_guard lock(mutex_);
    search_ = std::move(search);
    run_ = m.run;
    status_ = status;
    return {};
  } catch (const std::exception& e) {
    const std::lock_guard lock(mutex_);
    status_ = std::string(e.what()) + (search_ ? "; the model playing plays on" : "; silent");
    return e.what();
  }
}

std::vector<NoteFeatures> PluginModel::operator()(std::span<const NoteFeatures> context,
                                                  const SearchSettings& settings) {
  std::shared_ptr<fast::PackedSearch> search;
  {
    const std::lock_guard lock(mutex_);
    search = search_;  // a model loaded meanwhile answers from the next request on
  }
  if (!search) throw DecodeError("no model is loaded (choose an exported model, .mlstm)");
  return (*search)(context, settings).notes;
}

std::string PluginModel::status() const {
  const std::lock_guard lock(mutex_);
  return status_;
}

bool PluginModel::loaded() const {
  const std::lock_guard lock(mutex_);
  return search_ != nullptr;
}

int PluginModel::context_notes() const {
  const std::lock_guard lock(mutex_);
  return search_ ? run_.model.context_notes : 0;
}

bool PluginModel::sustain_pedal() const {
  const std::lock_guard lock(mutex_);
  return search_ && run_.train.sustain_pedal;
}

std::string find_default_model(const std::string& bundle, const std::string& binary) {
  namespace fs = std::filesystem;
  std::vector<fs::path> places;
  if (!bundle.empty()) places.push_back(fs::path(bundle) / "default.mlstm");
  if (!binary.empty()) {
    // Beside the binary (a CLAP file), and at the root of a VST3 bundle whose binary lies in
    // <bundle>/Contents/<arch>/.
    const fs::path dir = fs::path(binary).parent_path();
    places.push_back(dir / "default.mlstm");
    if (dir.parent_path().filename() == "Contents") {
      places.push_back(dir.parent_path().parent_path() / "default.mlstm");
    }
  }
  places.push_back(fs::path(MUSIC_LSTM_PLUGIN_DATA_DIR) / "default.mlstm");
  std::error_code ec;
  for (const fs::path& p : places) {
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

}  // namespace mlstm::plugin
