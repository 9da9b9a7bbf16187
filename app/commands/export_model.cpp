// `music-lstm export-model MODEL.ckpt OUT`: the model's weights and configuration as an exported
// model (model/exported_model.hpp), which the fast decoder loads with no LibTorch: for the
// plugin, and for any host that should not carry the training framework.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands/commands.hpp"
#include "model/checkpoint.hpp"
#include "model/exported_model.hpp"
#ifdef MUSIC_LSTM_FAST_DECODE
#include "decode/fast/pack_model.hpp"
#endif

namespace mlstm::app {
namespace {

#ifdef MUSIC_LSTM_FAST_DECODE
void run(const std::string& in, const std::string& out) {
  const Checkpoint ck = read_checkpoint(in);
  NoteModel model(ck.config.model);
  load_model_weights(*model, ck, in);
  model->eval();
  ExportedModel exported{ck.config, fast::pack_model(*model)};
  write_exported_model(exported, out);
  // Read back from the file and checked: the same answer as the checkpoint's fast path to a
  // phrase, beam search and drawn.
  fast::PackedSearch from_file(read_exported_model(out).packed);
  fast::PackedSearch from_checkpoint(std::move(exported.packed));
  std::vector<NoteFeatures> phrase;
  for (int i = 0; i < ck.config.model.context_notes; ++i) {
    phrase.push_back({48 + (i * 7) % 24, 0.1 + 0.05 * (i % 4), 0.2, 70});
  }
  for (const Sampling sampling : {Sampling::kBeam, Sampling::kStochasticBeam}) {
    SearchSettings s = default_search_settings();
    s.sampling = sampling;
    s.length = 32;
    if (from_file(phrase, s).notes != from_checkpoint(phrase, s).notes) {
      throw std::runtime_error(out + ": read back, it answers differently from " + in +
                               " (please report this)");
    }
  }
  std::printf("wrote %s: %s, %lld parameters, format version %u; read back, it answers as %s\n",
              out.c_str(), ck.config.name.c_str(), from_file.parameters(), kExportFormatVersion,
              in.c_str());
}
#else
void run(const std::string&, const std::string&) {
  throw std::runtime_error(
      "this build has no fast decoder (no CBLAS), whose arrays an exported model holds: export "
      "with a build that has it");
}
#endif

}  // namespace

void add_export_model_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "export-model",
      "Write a checkpoint's model as a flat file that plays with no LibTorch (the plugin's)");
  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("model", *in, "Checkpoint (.ckpt) written by music-lstm train")->required();
  cmd->add_option("out", *out, "The exported model to write (.mlstm), atomically")->required();
  cmd->footer(
      "Example: music-lstm export-model models/default/model.ckpt default.mlstm\n"
      "The jam, compose and eval load an exported model wherever they take a .ckpt (on the CPU).");
  cmd->callback([in, out] { run(*in, *out); });
}

}  // namespace mlstm::app
