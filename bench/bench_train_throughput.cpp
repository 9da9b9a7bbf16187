// Training throughput of a configuration: windows per second of forward + backward + Adam step
// (with gradient clipping), on the CPU or CUDA, over random windows of the configured shape
// (throughput does not depend on the notes). bench/compare_train_throughput.py runs this beside
// the same step in PyTorch (bench/train_step_pytorch.py) and writes the table in BENCHMARKS.md.
//
// With --save-run DIR it also trains on random performances for a few hundred steps through the
// real training loop and leaves DIR/last.ckpt: a checkpoint made by this LibTorch on this device,
// to load elsewhere (the format must be version-neutral).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "model/note_loss.hpp"
#include "model/note_model.hpp"
#include "train/trainer.hpp"

namespace {

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_train_throughput: %s\nusage: bench_train_throughput --config FILE "
               "[--device cpu|cuda] [--seconds S] [--threads N] [--save-run DIR]\n",
               why);
  std::exit(2);
}

mlstm::NoteTensors random_windows(int64_t batch, int64_t notes, const torch::Device& d) {
  return mlstm::NoteTensors{torch::randint(21, 109, {batch, notes}, torch::kInt64),
                            torch::rand({batch, notes}) * 0.3, torch::rand({batch, notes}) * 1.0,
                            torch::randint(20, 110, {batch, notes}).to(torch::kFloat32)}
      .to(d);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, device_name = "cpu", save_run;
  double seconds = 20.0;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    if (a == "--config")
      config_path = argv[++i];
    else if (a == "--device")
      device_name = argv[++i];
    else if (a == "--seconds")
      seconds = std::atof(argv[++i]);
    else if (a == "--threads")
      threads = std::atoi(argv[++i]);
    else if (a == "--save-run")
      save_run = argv[++i];
    else
      usage(("unknown option " + a).c_str());
  }
  if (config_path.empty()) usage("--config is required");
  try {
    const mlstm::RunConfig c = mlstm::load_run_config(config_path);
    const torch::Device device = device_name == "cuda" ? torch::kCUDA : torch::kCPU;
    torch::set_num_threads(threads);
    torch::manual_seed(1);
    mlstm::NoteModel model(c.model);
    model->to(device);
    model->train();
    torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(c.train.learning_rate));
    const int64_t b = c.train.batch_size, window = model->window_notes();
    const mlstm::NoteTensors w = random_windows(b, window, device);
    auto step = [&] {
      const auto terms = mlstm::note_loss(model->forward(w), w.slice(c.model.context_notes, window),
                                          c.model, c.loss);
      opt.zero_grad();
      terms.total.backward();
      torch::nn::utils::clip_grad_norm_(model->parameters(), c.train.grad_clip);
      opt.step();
      return terms.total.item<double>();  // waits for the device, like the training loop does
    };
    for (int i = 0; i < 3; ++i) step();  // warm-up
    int64_t steps = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < seconds || steps < 3) {
      step();
      ++steps;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    std::printf(
        "{\"impl\": \"music-lstm (LibTorch %s)\", \"config\": \"%s\", \"device\": \"%s\", "
        "\"threads\": %d, \"batch\": %lld, \"parameters\": %lld, \"steps\": %lld, "
        "\"ms_per_step\": %.3f, \"windows_per_s\": %.1f}\n",
        TORCH_VERSION, c.name.c_str(), device.str().c_str(), threads, static_cast<long long>(b),
        static_cast<long long>(mlstm::parameter_count(*model)), static_cast<long long>(steps),
        elapsed / steps * 1e3, steps * b / elapsed);

    if (!save_run.empty()) {
      mlstm::RunConfig short_run = c;
      short_run.train.epochs = 2;
      short_run.train.max_train_windows = 40 * c.train.batch_size;
      short_run.train.max_valid_windows = 4 * c.train.batch_size;
      mlstm::InMemoryData d;
      std::mt19937 rng(5);
      for (int p = 0; p < 8; ++p) {
        std::vector<mlstm::NoteFeatures> perf;
        for (int n = 0; n < 400; ++n) {
          perf.push_back({static_cast<int>(40 + rng() % 48), (rng() % 100) / 200.0,
                          (rng() % 100) / 100.0, static_cast<int>(30 + rng() % 90)});
        }
        (p < 6 ? d.train : d.validation).push_back(perf);
      }
      mlstm::TrainOptions o;
      o.out = save_run;
      o.device = device_name;
      o.progress = false;
      const auto r = mlstm::train_in_memory(short_run, d, o);
      std::printf("{\"saved\": \"%s\", \"epochs\": %d, \"best_validation\": %.6f}\n",
                  r.last_checkpoint.c_str(), r.epochs_completed, r.best_validation);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train_throughput: %s\n", e.what());
    return 1;
  }
  return 0;
}
