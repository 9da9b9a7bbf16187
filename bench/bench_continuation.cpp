// Time for one continuation (10 notes in, 50 out) at beam widths 1 to 32: our incremental
// decoder beside the original's algorithm (re-run the decoder over each prefix), in the same run,
// on one CPU thread (or CUDA); width 8 with the repetition penalty the jam uses; and the time to
// compose a song of 600 notes at width 20. On the CPU, with the jam's decoding: the fast path
// (decode/fast/), the LibTorch path and a PyTorch-from-Python reference of the same model and
// weights (bench/continuation_pytorch.py, run from here), with the limit the arithmetic sets.
// The weights are random: the work does not depend on them. Prints Markdown tables.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "decode/beam_search.hpp"
#include "model/checkpoint.hpp"
#include "model/model_config.hpp"
#ifdef MUSIC_LSTM_FAST_DECODE
#include <cblas.h>

#include "decode/fast/pack_model.hpp"
#endif

namespace {

double seconds_of(const std::function<void()>& f, int repeats) {
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const auto a = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];  // median
}

std::vector<mlstm::NoteFeatures> prime(int n) {
  std::vector<mlstm::NoteFeatures> out;
  for (int i = 0; i < n; ++i) out.push_back({60 + (i * 7) % 12, 0.25, 0.2, 70});
  return out;
}

#ifdef MUSIC_LSTM_FAST_DECODE
// Multiply-adds a second this core reaches in a large single-precision product (OpenBLAS): what
// the decoder's products could reach at best.
double peak_multiply_adds() {
  const int n = 1024;
  std::vector<float> a(std::size_t(n) * n, 0.5f), b(a), c(a);
  const auto run = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
  };
  return double(n) * n * n / seconds_of(run, 5);
}

// The PyTorch reference's times (ms by width), or an empty object with why on stderr.
nlohmann::json pytorch_reference(mlstm::NoteModelImpl& model, const mlstm::RunConfig& config,
                                 const std::string& widths, int repeats) {
  const std::filesystem::path ckpt =
      std::filesystem::temp_directory_path() / ("bench-continuation-" + config.name + ".ckpt");
  mlstm::save_checkpoint(ckpt, {config, nlohmann::json::object(), mlstm::model_tensors(model)});
  const std::string script = std::string(MUSIC_LSTM_SOURCE_DIR) + "/bench/continuation_pytorch.py";
  const std::string cmd = std::string(MUSIC_LSTM_PYTHON) + " " + script + " " + ckpt.string() +
                          " --widths " + widths + " --repeats " + std::to_string(repeats);
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, p)) out += buffer;
    pclose(p);
  }
  std::filesystem::remove(ckpt);
  try {
    return nlohmann::json::parse(out);
  } catch (const nlohmann::json::exception&) {
    std::fprintf(stderr, "bench_continuation: the PyTorch reference gave no result (%s)\n",
                 cmd.c_str());
    return nlohmann::json::object();
  }
}

// The fast path, the LibTorch path and PyTorch, with the jam's decoding, at widths 1, 8, 32.
void compare_paths(mlstm::NoteModelImpl& model, const mlstm::RunConfig& config,
                   const std::vector<mlstm::NoteFeatures>& context, int repeats) {
  const mlstm::ModelConfig& m = config.model;
  mlstm::fast::ModelSearch fast(model);
  mlstm::SearchSettings s = mlstm::default_search_settings();
  s.length = 50;
  fast(context, s);  // warm-up
  const nlohmann::json ref = pytorch_reference(model, config, "1,8,32", repeats);
  const double peak = peak_multiply_adds();
  // Per beam and note: each decoder layer's gates, [x | h] (in + H) by 4H, and the heads.
  const int in = m.embedding + 2 + (m.velocity ? 1 : 0), h = m.decoder_hidden;
  const int time_out = m.time_head == mlstm::HeadKind::kClasses ? m.time_bins : 1;
  const int outputs =
      128 + 2 * time_out +
      (m.velocity ? (m.velocity_head == mlstm::HeadKind::kClasses ? m.velocity_bins : 1) : 0);
  const double per_step =
      double(in + h) * 4 * h + double(m.decoder_layers - 1) * 2 * h * 4 * h + double(h) * outputs;
  std::printf(
      "\nThe jam's decoding (drawn timing, repetition penalty), 50 notes, one thread. The limit: "
      "%.2f M multiply-adds per beam and note ((%d + %d) x 4 x %d for the LSTM, %d x %d for the "
      "heads), at %.1f G multiply-adds a second (this core in a 1024-square sgemm); the first "
      "note has one beam.\n\n",
      per_step / 1e6, in, h, h, h, outputs, peak / 1e9);
  std::printf(
      "| width | fast path | LibTorch path | PyTorch (Python) | fast vs LibTorch | fast vs "
      "PyTorch | limit | fast / limit |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int width : {1, 8, 32}) {
    s.width = width;
    const double ours = seconds_of([&] { fast(context, s); }, repeats) * 1e3;
    const double torch_path =
        seconds_of([&] { mlstm::beam_search(model, context, s); }, repeats) * 1e3;
    const std::string key = std::to_string(width);
    const double py = ref.contains(key) ? ref[key].get<double>() : 0.0;
    const double limit = (per_step + 49.0 * width * per_step) / peak * 1e3;
    char py_ms[32] = "-", py_ratio[32] = "-";
    if (py > 0) {
      std::snprintf(py_ms, sizeof py_ms, "%.2f ms", py);
      std::snprintf(py_ratio, sizeof py_ratio, "%.2fx", py / ours);
    }
    std::printf("| %d | %.2f ms | %.2f ms | %s | %.2fx | %s | %.2f ms | %.2fx |\n", width, ours,
                torch_path, py_ms, torch_path / ours, py_ratio, limit, ours / limit);
    std::fflush(stdout);
  }
  if (ref.contains("torch")) {
    std::printf("\nPyTorch %s from Python.\n", ref["torch"].get<std::string>().c_str());
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_continuation CONFIG.json [cpu|cuda] [repeats]\n");
    return 2;
  }
  try {
    const mlstm::RunConfig c = mlstm::load_run_config(argv[1]);
    const std::string dev = argc > 2 ? argv[2] : "cpu";
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
    torch::set_num_threads(1);
    torch::manual_seed(1);
    mlstm::NoteModel model(c.model);
    model->to(dev == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU));
    const auto context = prime(c.model.context_notes);
    mlstm::SearchSettings s;
    s.length = 50;
    mlstm::beam_search(*model, context, s);  // warm-up
    std::printf("Configuration %s (%lld parameters) on %s, one thread; median of %d.\n\n",
                c.name.c_str(), static_cast<long long>(mlstm::parameter_count(*model)), dev.c_str(),
                repeats);
    std::printf(
        "| beam width | incremental (ours) | re-decoding the prefix (original) | speed-up |\n");
    std::printf("|---:|---:|---:|---:|\n");
    for (int width : {1, 4, 8, 16, 32}) {
      s.width = width;
      s.redecode_prefix = false;
      const double ours = seconds_of([&] { mlstm::beam_search(*model, context, s); }, repeats);
      s.redecode_prefix = true;
      const double naive = seconds_of([&] { mlstm::beam_search(*model, context, s); }, repeats);
      std::printf("| %d | %.1f ms | %.1f ms | %.1fx |\n", width, ours * 1e3, naive * 1e3,
                  naive / ours);
      std::fflush(stdout);
    }
    // What the jam asks for by default: width 8 with the repetition penalty.
    s.width = 8;
    s.redecode_prefix = false;
    const double plain = seconds_of([&] { mlstm::beam_search(*model, context, s); }, repeats);
    s.repetition_penalty = mlstm::kDefaultRepetitionPenalty;
    const double penalised = seconds_of([&] { mlstm::beam_search(*model, context, s); }, repeats);
    std::printf(
        "\nWidth 8 with the repetition penalty (%.2f nats over %d notes): %.1f ms (%.1f ms "
        "without).\n",
        s.repetition_penalty, s.repetition_window, penalised * 1e3, plain * 1e3);
    s.repetition_penalty = 0.0;
    s.width = 20;
    const double song = seconds_of([&] { mlstm::continue_song(*model, context, 600, s); }, 1);
    std::printf("\nComposing 600 notes at width 20 (12 continuations of 50): %.2f s.\n", song);
#ifdef MUSIC_LSTM_FAST_DECODE
    if (dev == "cpu" && c.model.kind == mlstm::ModelKind::kSeq2Seq) {
      compare_paths(*model, c, context, repeats);
    }
#endif
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_continuation: %s\n", e.what());
    return 1;
  }
  return 0;
}
