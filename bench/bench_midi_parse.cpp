// How long our SMF reader takes over the whole MAESTRO v3.0.0 MIDI set (1276 files), on one
// thread: reading and parsing from disk, and parsing bytes already in memory.
// The data folder comes from MUSIC_LSTM_MAESTRO_DIR (default ../shared/data/maestro-v3.0.0).
// bench/compare_parse_with_mido.py runs this beside mido and writes the table in BENCHMARKS.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "maestro/maestro_index.hpp"
#include "midi/midi_file.hpp"

namespace {

std::filesystem::path data_dir() {
  const char* d = std::getenv("MUSIC_LSTM_MAESTRO_DIR");
  return d && *d ? d : "../shared/data/maestro-v3.0.0";
}

const std::vector<std::filesystem::path>& files() {
  static const std::vector<std::filesystem::path> paths = [] {
    std::vector<std::filesystem::path> out;
    const auto index = mlstm::load_maestro_index(data_dir());
    for (const auto& p : index.performances) out.push_back(index.midi_path(p));
    return out;
  }();
  return paths;
}

void BM_ReadAndParseAllMaestro(benchmark::State& state) {
  std::size_t notes = 0;
  for (auto _ : state) {
    notes = 0;
    for (const auto& f : files()) notes += mlstm::read_midi_file(f).notes.size();
    benchmark::DoNotOptimize(notes);
  }
  state.counters["files"] = static_cast<double>(files().size());
  state.counters["notes"] = static_cast<double>(notes);
  state.counters["files_per_s"] = benchmark::Counter(static_cast<double>(files().size()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ParseAllMaestroFromMemory(benchmark::State& state) {
  std::vector<std::vector<std::uint8_t>> bytes;
  for (const auto& f : files()) {
    std::ifstream in(f, std::ios::binary);
    bytes.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (auto _ : state) {
    std::size_t notes = 0;
    for (const auto& b : bytes) notes += mlstm::parse_midi(b, "mem").notes.size();
    benchmark::DoNotOptimize(notes);
  }
  state.counters["files_per_s"] = benchmark::Counter(static_cast<double>(bytes.size()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_ReadAndParseAllMaestro)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ParseAllMaestroFromMemory)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  try {
    files();
  } catch (const std::exception& e) {
    std::cerr << "bench_midi_parse: " << e.what()
              << " (set MUSIC_LSTM_MAESTRO_DIR to the MAESTRO folder)\n";
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
