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
#include <cstring>
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

// The times of `repeats` runs of f, fastest first.
std::vector<double> sorted_seconds_of(const std::function<void()>& f, int repeats) {
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const auto a = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t;
}

double seconds_of(const std::function<void()>& f, int repeats) {
  const std::vector<double> t = sorted_seconds_of(f, repeats);
  return t[t.size() / 2];  // median
}

// The fastest of `repeats` runs: for what the machine can do at best (its peak, its bandwidth),
// the numbers a limit is made of, where a median would count other work's interruptions.
double best_seconds_of(const std::function<void()>& f, int repeats) {
  return sorted_seconds_of(f, repeats).front();
}

std::vector<mlstm::NoteFeatures> prime(int n) {
  std::vector<mlstm::NoteFeatures> out;
  for (int i = 0; i < n; ++i) out.push_back({60 + (i * 7) % 12, 0.25, 0.2, 70});
  return out;
}

#ifdef MUSIC_LSTM_FAST_DECODE
// Multiply-adds a second this core reaches in a large single-precision product (OpenBLAS).
double sgemm_multiply_adds() {
  const int n = 1024;
  std::vector<float> a(std::size_t(n) * n, 0.5f), b(a), c(a);
  const auto run = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
  };
  return double(n) * n * n / best_seconds_of(run, 5);
}

// Multiply-adds a second of the core's widest registers: twelve independent chains of 16-float
// fused multiply-adds, nothing loaded. The roof no product can pass (OpenBLAS may not use the
// widest registers: Debian 12's 0.3.21 runs its AVX2 kernels on the build VM's Zen 5).
typedef float Wide __attribute__((vector_size(64)));

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) float fma_chains(
    long iterations, float seed) {
  // Locals, so they live in registers: twelve chains hide the multiply-add's latency.
  Wide a0 = Wide{} + seed, a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5,
       a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11;
  const Wide m = Wide{} + 0.999999f, add = Wide{} + 1e-7f;
  for (long i = 0; i < iterations; ++i) {
    a0 = a0 * m + add, a1 = a1 * m + add, a2 = a2 * m + add, a3 = a3 * m + add;
    a4 = a4 * m + add, a5 = a5 * m + add, a6 = a6 * m + add, a7 = a7 * m + add;
    a8 = a8 * m + add, a9 = a9 * m + add, a10 = a10 * m + add, a11 = a11 * m + add;
  }
  const Wide t = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
  return t[0] + t[15];
}

double fma_multiply_adds() {
  constexpr long kIterations = 20'000'000;
  volatile float sink = 0;  // the chains must be computed
  const double s = best_seconds_of([&] { sink = sink + fma_chains(kIterations, 0.001f); }, 5);
  return double(kIterations) * 12 * 16 / s;
}

// Eight 16-float sums of `values` (independent, so the adds overlap).
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) float wide_sum(
    const float* values, std::size_t n) {
  Wide s[8] = {};
  const std::size_t block = 8 * 16;
  for (std::size_t i = 0; i + block <= n; i += block) {
    for (int j = 0; j < 8; ++j) {
      Wide v;
      std::memcpy(&v, values + i + static_cast<std::size_t>(j) * 16, sizeof v);
      s[j] += v;
    }
  }
  Wide t = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
  float sum = 0;
  for (int j = 0; j < 16; ++j) sum += t[j];
  return sum;
}

// Bytes a second this core reads from weights of `bytes` read again and again (the decoder reads
// its weights once a step): where weights of this size stay between steps (L2, L3 or memory). The
// better of a plain sum over them and OpenBLAS's matrix-vector product, which streams them too.
double read_bandwidth(std::size_t bytes) {
  std::vector<float> buffer(bytes / sizeof(float), 1.0f);
  volatile float sink = 0;
  const int passes = std::max<int>(3, static_cast<int>(400e6 / static_cast<double>(bytes)));
  sink = sink + wide_sum(buffer.data(), buffer.size());
  const double sum_seconds = best_seconds_of(
      [&] {
        for (int p = 0; p < passes; ++p) sink = sink + wide_sum(buffer.data(), buffer.size());
      },
      5);
  const int cols = 1024, rows = static_cast<int>(buffer.size() / cols);
  std::vector<float> x(static_cast<std::size_t>(rows), 1.0f), y(cols, 0.0f);
  const double gemv_seconds = best_seconds_of(
      [&] {
        for (int p = 0; p < passes; ++p) {
          cblas_sgemv(CblasRowMajor, CblasTrans, rows, cols, 1.0f, buffer.data(), cols, x.data(), 1,
                      0.0f, y.data(), 1);
        }
      },
      5);
  return static_cast<double>(bytes) * passes / std::min(sum_seconds, gemv_seconds);
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
  const double sgemm = sgemm_multiply_adds(), fma = fma_multiply_adds();
  const double peak = std::max(sgemm, fma);
  // Per beam and note: each decoder layer's gates, [x | h] (in + H) by 4H, and the heads.
  const int in = m.embedding + 2 + (m.velocity ? 1 : 0), h = m.decoder_hidden;
  const int time_out = m.time_head == mlstm::HeadKind::kClasses ? m.time_bins : 1;
  const int outputs =
      128 + 2 * time_out +
      (m.velocity ? (m.velocity_head == mlstm::HeadKind::kClasses ? m.velocity_bins : 1) : 0);
  const double per_step =
      double(in + h) * 4 * h + double(m.decoder_layers - 1) * 2 * h * 4 * h + double(h) * outputs;
  // The decoder's weights, read once a step whatever the width.
  const double weight_bytes = per_step * sizeof(float);
  const double bandwidth = read_bandwidth(static_cast<std::size_t>(weight_bytes));
  const auto step_limit = [&](int beams) {
    return std::max(beams * per_step / peak, weight_bytes / bandwidth);
  };
  // The encoder, once an answer, one sequence: each layer and direction multiplies the context's
  // inputs at once (its input weights read once), then runs the recurrence note by note, each
  // note a matrix-vector product that reads the recurrent weights again (the first note's state
  // is zero: nothing to multiply); then to_h and to_c. Each at the longer of its multiply-adds
  // at the peak and its weights' read (at the bandwidth for their size).
  const int eh = m.encoder_hidden, dirs = m.bidirectional ? 2 : 1, notes = m.context_notes;
  const double recurrent = double(eh) * 4 * eh;
  const double recurrent_bandwidth =
      read_bandwidth(static_cast<std::size_t>(recurrent * sizeof(float)));
  const auto part = [&](double multiply_adds, double weights, double bw) {
    return std::max(multiply_adds / peak, weights * sizeof(float) / bw);
  };
  double encoder_seconds = 0, encoder_multiply_adds = 0;
  for (int l = 0; l < m.encoder_layers; ++l) {
    const double inputs = double(l == 0 ? in : dirs * eh) * 4 * eh;
    encoder_seconds += dirs * (part(notes * inputs, inputs, bandwidth) +
                               (notes - 1) * part(recurrent, recurrent, recurrent_bandwidth));
    encoder_multiply_adds += dirs * (notes * inputs + (notes - 1) * recurrent);
  }
  const double summary = 2.0 * dirs * eh * m.decoder_layers * h;
  encoder_seconds += part(summary, summary, bandwidth);
  encoder_multiply_adds += summary;
  std::printf(
      "\nThe jam's decoding (drawn timing, repetition penalty), 50 notes, one thread.\n\nThe "
      "limit: each of the 50 steps takes at least the longer of its multiply-adds at this core's "
      "peak and the read of the decoder's weights at this core's bandwidth for a buffer of their "
      "size; likewise the encoder's parts (its recurrence is a matrix-vector product a note). "
      "Decoder: %.2f M multiply-adds per beam and note ((%d + %d) x 4 x %d for the LSTM, %d x %d "
      "for the heads), %.2f MB of weights; the first note has one beam. Encoder: %.2f M "
      "multiply-adds, recurrent weights of %.2f MB read %d times a direction, %.2f ms at best. "
      "Peak %.1f G multiply-adds a second (16-float fused multiply-adds, registers only; "
      "OpenBLAS's 1024-square sgemm reaches %.1f G); read bandwidth %.1f GB/s (decoder's "
      "weights), %.1f GB/s (recurrent weights).\n\n",
      per_step / 1e6, in, h, h, h, outputs, weight_bytes / 1e6, encoder_multiply_adds / 1e6,
      recurrent * sizeof(float) / 1e6, notes - 1, encoder_seconds * 1e3, peak / 1e9, sgemm / 1e9,
      bandwidth / 1e9, recurrent_bandwidth / 1e9);
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
    const double limit = (encoder_seconds + step_limit(1) + 49.0 * step_limit(width)) * 1e3;
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

// Our incremental LibTorch search beside the original's algorithm (re-decoding the prefix), the
// repetition penalty's cost, and a 600-note song.
void original_and_song(mlstm::NoteModelImpl& model, const std::vector<mlstm::NoteFeatures>& context,
                       int repeats) {
  mlstm::SearchSettings s;
  s.length = 50;
  std::printf("\n");
  std::printf(
      "| beam width | incremental (ours) | re-decoding the prefix (original) | speed-up |\n");
  std::printf("|---:|---:|---:|---:|\n");
  for (int width : {1, 4, 8, 16, 32}) {
    s.width = width;
    s.redecode_prefix = false;
    const double ours = seconds_of([&] { mlstm::beam_search(model, context, s); }, repeats);
    s.redecode_prefix = true;
    const double naive = seconds_of([&] { mlstm::beam_search(model, context, s); }, repeats);
    std::printf("| %d | %.1f ms | %.1f ms | %.1fx |\n", width, ours * 1e3, naive * 1e3,
                naive / ours);
    std::fflush(stdout);
  }
  // What the jam asks for by default: width 8 with the repetition penalty.
  s.width = 8;
  s.redecode_prefix = false;
  const double plain = seconds_of([&] { mlstm::beam_search(model, context, s); }, repeats);
  s.repetition_penalty = mlstm::kDefaultRepetitionPenalty;
  const double penalised = seconds_of([&] { mlstm::beam_search(model, context, s); }, repeats);
  std::printf(
      "\nWidth 8 with the repetition penalty (%.2f nats over %d notes): %.1f ms (%.1f ms "
      "without).\n",
      s.repetition_penalty, s.repetition_window, penalised * 1e3, plain * 1e3);
  s.repetition_penalty = 0.0;
  s.width = 20;
  const double song = seconds_of([&] { mlstm::continue_song(model, context, 600, s); }, 1);
  std::printf("\nComposing 600 notes at width 20 (12 continuations of 50): %.2f s.\n", song);
}

}  // namespace

int main(int argc, char** argv) {
  // Positional: the configuration, the device, the repeats; --paths-only leaves out the tables
  // before the fast path's (the original's algorithm takes minutes for `seed`); --fast-only
  // times the fast path alone at width 8, for a profiler.
  const char* usage =
      "usage: bench_continuation CONFIG.json [cpu|cuda] [repeats] [--paths-only | --fast-only]\n"
      "  CONFIG.json   a training configuration (presets/training/); the weights are random\n"
      "  repeats       answers timed per case, the median reported (default 5)\n"
      "  --paths-only  only the fast path, the LibTorch path and PyTorch, with the limit\n"
      "  --fast-only   only the fast path at width 8 (for perf record), then without figure\n"
      "                recall and the register kept\n";
  std::vector<std::string> args;
  bool paths_only = false, fast_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (std::string(argv[i]) == "--paths-only") {
      paths_only = true;
    } else if (std::string(argv[i]) == "--fast-only") {
      fast_only = true;
    } else {
      args.emplace_back(argv[i]);
    }
  }
  if (args.empty()) {
    std::fputs(usage, stderr);
    return 2;
  }
  try {
    const mlstm::RunConfig c = mlstm::load_run_config(args[0]);
    const std::string dev = args.size() > 1 ? args[1] : "cpu";
    const int repeats = args.size() > 2 ? std::max(1, std::atoi(args[2].c_str())) : 5;
    torch::set_num_threads(1);
    torch::manual_seed(1);
    mlstm::NoteModel model(c.model);
#ifdef MUSIC_LSTM_FAST_DECODE
    if (fast_only) {
      // The fast path alone at width 8, `repeats` times: for a profiler (perf record); then the
      // same without figure recall and the register kept, for what those rules cost.
      mlstm::fast::ModelSearch fast(*model);
      mlstm::SearchSettings s = mlstm::default_search_settings();
      s.length = 50;
      s.width = 8;
      const auto context = prime(c.model.context_notes);
      const double t = seconds_of([&] { fast(context, s); }, repeats);
      std::printf("fast path, width 8: %.2f ms (median of %d)\n", t * 1e3, repeats);
      mlstm::SearchSettings without = s;
      without.recall = 0.0;
      without.register_keep = 0.0;
      const double t0 = seconds_of([&] { fast(context, without); }, repeats);
      std::printf("the same without figure recall and the register kept: %.2f ms\n", t0 * 1e3);
      return 0;
    }
#endif
    model->to(dev == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU));
    const auto context = prime(c.model.context_notes);
    mlstm::SearchSettings s;
    s.length = 50;
    mlstm::beam_search(*model, context, s);  // warm-up
    std::printf("Configuration %s (%lld parameters) on %s, one thread; median of %d.\n",
                c.name.c_str(), static_cast<long long>(mlstm::parameter_count(*model)), dev.c_str(),
                repeats);
    if (!paths_only) original_and_song(*model, context, repeats);
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
