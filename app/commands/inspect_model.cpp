// `music-lstm inspect-model FILE.ckpt`: what a checkpoint holds, and a check that it computes.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands/commands.hpp"
#include "model/checkpoint.hpp"

namespace mlstm::app {
namespace {

void run(const std::string& file, const std::string& weights_only) {
  const Checkpoint ck = read_checkpoint(file);
  NoteModel model(ck.config.model);
  load_model_weights(*model, ck, file);
  model->eval();
  const ModelConfig& m = ck.config.model;
  std::printf("file:        %s\n", file.c_str());
  std::printf("name:        %s\n", ck.config.name.c_str());
  std::printf("model:       %s, %d notes in, %d out; embedding %d", to_string(m.kind),
              m.context_notes, m.target_notes, m.embedding);
  if (m.kind == ModelKind::kSeq2Seq) {
    std::printf(", encoder %d x %d%s", m.encoder_layers, m.encoder_hidden,
                m.bidirectional ? " bidirectional" : "");
  }
  std::printf(", decoder %d x %d\n", m.decoder_layers, m.decoder_hidden);
  std::printf(
      "heads:       pitch 128 classes; step and duration %s%s; velocity %s\n",
      to_string(m.time_head),
      m.time_head == HeadKind::kClasses ? (" (" + std::to_string(m.time_bins) + ")").c_str() : "",
      m.velocity ? to_string(m.velocity_head) : "none");
  std::printf("parameters:  %lld\n", static_cast<long long>(parameter_count(*model)));
  // How it learnt to read music: the jam, compose and eval read notes the same way (the pedal).
  const TrainConfig& training = ck.config.train;
  std::printf("durations:   %s\n", training.sustain_pedal
                                       ? "as heard under the sustain pedal"
                                       : "of the keys (the sustain pedal not read)");
  std::string augmented;
  if (training.augment_transpose > 0)
    augmented = "transposed up to " + std::to_string(training.augment_transpose) + " semitones";
  if (training.augment_stretch > 0) {
    char stretch[64];
    std::snprintf(stretch, sizeof stretch, "stretched up to %g%%", 100 * training.augment_stretch);
    augmented += (augmented.empty() ? "" : ", ") + std::string(stretch);
  }
  std::printf("augmented:   %s\n", augmented.empty() ? "no" : (augmented + " either way").c_str());
  const LossConfig& l = ck.config.loss;
  std::printf("loss:        pitch %g, step %g, duration %g, velocity %g\n", l.pitch, l.step,
              l.duration, l.velocity);
  for (const char* key : {"epoch", "step", "created", "torch", "device", "data"}) {
    if (ck.metadata.contains(key))
      std::printf("%-12s %s\n", (std::string(key) + ":").c_str(), ck.metadata[key].dump().c_str());
  }
  if (ck.metadata.contains("metrics") && ck.metadata["metrics"].contains("validation")) {
    std::printf("validation:  %s\n", ck.metadata["metrics"]["validation"].dump().c_str());
  }
  // One forward pass on a plain window: the weights load and compute finite numbers.
  torch::NoGradGuard no_grad;
  const int64_t n = model->window_notes();
  const NoteTensors w{torch::full({1, n}, 60, torch::kInt64), torch::full({1, n}, 0.25),
                      torch::full({1, n}, 0.2), torch::full({1, n}, 64.0)};
  const HeadOutputs o = model->forward(w);
  const bool finite = torch::isfinite(o.pitch).all().item<bool>() &&
                      torch::isfinite(o.step).all().item<bool>() &&
                      torch::isfinite(o.duration).all().item<bool>();
  std::printf("check:       forward pass on a %lld-note window %s\n", static_cast<long long>(n),
              finite ? "gives finite outputs" : "gives NaN or infinite outputs");
  if (!finite) throw std::runtime_error(file + ": the model computes NaN or infinite outputs");
  if (!weights_only.empty()) {
    // For shipping: the model without the optimizer's state (two thirds of the file), which
    // `train --resume` reads; the run state stays, so `train --resume-from` carries the run on.
    Checkpoint out = ck;
    std::erase_if(out.tensors, [](const auto& t) { return t.first.rfind("optimizer.", 0) == 0; });
    out.metadata["weights_only"] = true;
    save_checkpoint(weights_only, out);
    std::printf("wrote:       %s (weights only, %zu tensors)\n", weights_only.c_str(),
                out.tensors.size());
  }
}

}  // namespace

void add_inspect_model_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("inspect-model", "Describe a model checkpoint and check that it loads");
  auto file = std::make_shared<std::string>();
  auto weights_only = std::make_shared<std::string>();
  cmd->add_option("file", *file, "Checkpoint (.ckpt) written by music-lstm train")->required();
  cmd->add_option("--weights-only", *weights_only,
                  "Also write the model without the optimizer's state here (to ship it; training "
                  "resumed from it starts its optimizer afresh)");
  cmd->footer(
      "Examples: music-lstm inspect-model runs/tiny/best.ckpt\n"
      "          music-lstm inspect-model runs/default/best.ckpt --weights-only model.ckpt");
  cmd->callback([file, weights_only] { run(*file, *weights_only); });
}

}  // namespace mlstm::app
