#pragma once
// The plugin's model: an exported model (engine/model/exported_model.hpp) answering on the fast
// decoder, with no LibTorch (a DAW should not load a training framework to play). Loaded on the
// host's main thread, never the audio thread; the model playing answers until the new one is
// ready, and a model that cannot load leaves the old one (or silence) and says why.

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "decode/fast/packed_search.hpp"
#include "model/model_config.hpp"

namespace mlstm::plugin {

class PluginModel {
 public:
  // [main-thread] Loads `path`. `max_context`: the most notes the running jam keeps (0: any).
  // Returns an empty string, or one line saying what is wrong; the model playing stays.
  std::string load(const std::string& path, int max_context = 0);
  // [the model's worker thread] The next notes after `context`; throws DecodeError while no
  // model is loaded.
  std::vector<NoteFeatures> operator()(std::span<const NoteFeatures> context,
                                       const SearchSettings& settings);
  // [any thread] What plays: "seq2seq default-..., 2397504 parameters (default.mlstm)", or why
  // nothing does.
  std::string status() const;
  bool loaded() const;
  int context_notes() const;  // the loaded model's (0: none)
  bool sustain_pedal() const;

 private:
  mutable std::mutex mutex_;  // the worker and the main thread, never the audio thread
  std::shared_ptr<fast::PackedSearch> search_;
  RunConfig run_;
  std::string status_ = "no model loaded";
};

// Where the shipped default model lies beside the plugin: in its bundle (`bundle`, may be empty),
// beside its binary (a CLAP file), at the root of a VST3 bundle, or in the folder `cmake
// --install` put it in. Empty when it is nowhere.
std::string find_default_model(const std::string& bundle, const std::string& binary);

}  // namespace mlstm::plugin
