// Time for one continuation (10 notes in, 50 out) at beam widths 1 to 32: our incremental
// decoder beside the original's algorithm (re-run the decoder over each prefix), in the same run,
// on one CPU thread (or CUDA); width 8 with the repetition penalty the jam uses; and the time to
// compose a song of 600 notes at width 20.
// The weights are random: the work does not depend on them. Prints a Markdown table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "decode/beam_search.hpp"
#include "model/model_config.hpp"

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
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_continuation: %s\n", e.what());
    return 1;
  }
  return 0;
}
