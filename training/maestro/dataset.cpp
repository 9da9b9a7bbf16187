#include "maestro/dataset.hpp"

#include <cstdlib>
#include <memory>

#include "progress/progress_bar.hpp"

namespace mlstm {
namespace fs = std::filesystem;

fs::path default_data_dir() {
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) {
    return fs::path(x) / "music-lstm" / "maestro-v3.0.0";
  }
  if (const char* h = std::getenv("HOME"); h && *h) {
    return fs::path(h) / ".local" / "share" / "music-lstm" / "maestro-v3.0.0";
  }
  return fs::path("data") / "maestro-v3.0.0";
}

DatasetReport index_dataset(const fs::path& root, const fs::path& cache_root, unsigned threads,
                            bool progress, const DataSplitOptions& split) {
  DatasetReport report;
  report.maestro = has_maestro_csv(root);
  report.index = report.maestro ? load_maestro_index(root) : load_midi_folder_index(root, split);
  for (const Performance* p : missing_files(report.index))
    report.missing.push_back(p->midi_filename);
  report.cache_dir = dataset_cache_dir(root, cache_root);
  fs::create_directories(report.cache_dir);
  write_index_json(report.index, report.cache_dir / "index.json");

  std::unique_ptr<ProgressBar> bar;
  report.notes = update_note_cache(
      report.index, report.cache_dir / ("notes-v" + std::to_string(kNoteCacheVersion) + ".bin"),
      threads, [&](std::size_t done, std::size_t total) {
        if (!progress) return;
        if (!bar)
          bar = std::make_unique<ProgressBar>("parsing MIDI", static_cast<double>(total), "files");
        bar->update(static_cast<double>(done));
      });
  if (bar) bar->finish();
  for (const auto& e : report.notes.entries) {
    if (!e.ok) report.corrupt.push_back(e.error);
  }
  for (const auto& p : report.index.performances) {
    const CachedPerformance* e = report.notes.find(p.midi_filename);
    if (e && e->ok) ++report.usable[static_cast<int>(p.split)];
  }
  return report;
}

}  // namespace mlstm
