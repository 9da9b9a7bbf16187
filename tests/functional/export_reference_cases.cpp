// Writes test cases for tests/functional/compare_with_pytorch.py: for several configurations, a
// model with seeded random weights, a random batch of windows, and what our LibTorch model
// computes for it (head outputs and loss terms), all in one checkpoint file per case.
#include <cstdio>
#include <filesystem>

#include "model/checkpoint.hpp"
#include "model/note_loss.hpp"
#include "support/tiny_model.hpp"

namespace {

using mlstm::RunConfig;

std::vector<std::pair<std::string, RunConfig>> cases() {
  std::vector<std::pair<std::string, RunConfig>> out;
  RunConfig seed = mlstm::test::tiny_config();  // the seed architecture, scaled down
  seed.model.bidirectional = true;
  out.emplace_back("seq2seq_seed_like", seed);

  RunConfig rich = mlstm::test::tiny_config();
  rich.model.velocity = true;
  rich.model.log_time_inputs = true;
  rich.model.time_head = mlstm::HeadKind::kClasses;
  rich.model.velocity_head = mlstm::HeadKind::kClasses;
  rich.model.time_bins = 24;
  rich.model.velocity_bins = 12;
  rich.model.encoder_layers = 2;
  rich.model.decoder_layers = 2;
  rich.loss = {1.0, 0.5, 0.25, 0.75, 0.0};
  out.emplace_back("seq2seq_classes_velocity", rich);

  RunConfig reg = mlstm::test::tiny_config();
  reg.model.bidirectional = false;
  reg.model.velocity = true;
  reg.loss.positive_pressure = 10.0;
  out.emplace_back("seq2seq_unidirectional_pressure", reg);

  RunConfig attention = rich;
  attention.model.attention = true;
  attention.model.encoder_layers = 1;
  out.emplace_back("seq2seq_attention", attention);

  out.emplace_back("next_note", mlstm::test::tiny_config(mlstm::ModelKind::kNextNote));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: export_reference_cases OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  uint64_t seed = 100;
  for (const auto& [name, config] : cases()) {
    torch::manual_seed(seed);
    mlstm::NoteModel model(config.model);
    model->eval();
    mlstm::test::randomize_attention_values(*model);
    const int64_t window = model->window_notes();
    mlstm::NoteTensors w = mlstm::test::random_window(5, window, seed++);
    // A few steps of exactly 0 (chords) and a long pause, which clipping must handle.
    w.step.index_put_({0, 3}, 0.0);
    w.step.index_put_({1, window - 1}, 20.0);
    torch::NoGradGuard no_grad;
    const mlstm::HeadOutputs o = model->forward(w);
    const mlstm::LossTerms l =
        mlstm::note_loss(o, w.slice(config.model.context_notes, window), config.model, config.loss);
    mlstm::Checkpoint ck;
    ck.config = config;
    ck.metadata = {{"case", name}};
    ck.tensors = mlstm::model_tensors(*model);
    ck.tensors.emplace_back("input.pitch", w.pitch);
    ck.tensors.emplace_back("input.step", w.step);
    ck.tensors.emplace_back("input.duration", w.duration);
    ck.tensors.emplace_back("input.velocity", w.velocity);
    ck.tensors.emplace_back("output.pitch", o.pitch);
    ck.tensors.emplace_back("output.step", o.step);
    ck.tensors.emplace_back("output.duration", o.duration);
    if (o.velocity.defined()) ck.tensors.emplace_back("output.velocity", o.velocity);
    ck.tensors.emplace_back("loss.total", l.total.reshape({1}));
    ck.tensors.emplace_back("loss.pitch", l.pitch.reshape({1}));
    ck.tensors.emplace_back("loss.step", l.step.reshape({1}));
    ck.tensors.emplace_back("loss.duration", l.duration.reshape({1}));
    if (l.velocity.defined()) ck.tensors.emplace_back("loss.velocity", l.velocity.reshape({1}));
    mlstm::save_checkpoint(out / (name + ".ckpt"), ck);
    std::printf("%s\n", (out / (name + ".ckpt")).c_str());
  }
  return 0;
}
