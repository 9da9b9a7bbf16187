// `music-lstm get-data`: fetch MAESTRO v3.0.0, check it, index it and cache its notes.
#include "maestro/get_data.hpp"

#include <cstdio>
#include <memory>

#include "commands/commands.hpp"
#include "commands/data_cli.hpp"

namespace mlstm::app {
namespace {

struct GetDataArgs {
  std::string dest;
  std::string from;
  std::string url = kMaestroMidiUrl;
  std::string cache;
  int retries = 5;
  unsigned threads = 0;
  bool keep_zip = false;
  bool quiet = false;
  DataSplitOptions split;
};

void run(const GetDataArgs& a) {
  GetDataOptions o;
  o.dest = a.dest.empty() ? default_data_dir() : std::filesystem::path(a.dest);
  if (!a.from.empty()) o.from = a.from;
  o.url = a.url;
  o.keep_zip = a.keep_zip;
  o.download.retries = a.retries;
  o.download.progress = !a.quiet;
  o.cache_root = a.cache;
  o.threads = a.threads;
  o.progress = !a.quiet;
  o.split = a.split;
  const DatasetReport r = get_maestro(o);

  for (const auto& m : r.missing) {
    std::fprintf(stderr, "missing: %s is listed in %s but is not there (skipped)\n",
                 (r.index.root / m).c_str(), r.index.csv.filename().c_str());
  }
  for (const auto& c : r.corrupt) std::fprintf(stderr, "corrupt: %s (skipped)\n", c.c_str());
  std::printf("%s in %s: %zu performances %s\n", r.maestro ? "MAESTRO" : "MIDI folder",
              o.dest.c_str(), r.index.performances.size(),
              r.maestro ? "listed" : "(.mid and .midi files, split by a hash of each path)");
  std::printf("train %zu, validation %zu, test %zu\n", r.usable[0], r.usable[1], r.usable[2]);
  std::printf(
      "%zu corrupt and %zu missing files skipped; note cache in %s (%zu parsed, %zu reused)\n",
      r.corrupt.size(), r.missing.size(), r.cache_dir.c_str(), r.notes.stats.parsed,
      r.notes.stats.reused);
  if (r.maestro) {
    std::printf("MAESTRO is licensed CC BY-NC-SA 4.0 (Hawthorne et al., ICLR 2019).\n");
  }
}

}  // namespace

void add_get_data_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "get-data",
      "Download MAESTRO v3.0.0 (MIDI), check it against its CSV, and cache every file's notes");
  auto a = std::make_shared<GetDataArgs>();
  cmd->add_option("--dest", a->dest, "Folder for the dataset")
      ->default_str(default_data_dir().string());
  cmd->add_option("--from", a->from,
                  "Take the dataset from a local maestro-v3.0.0-midi.zip or an unpacked folder "
                  "instead of the network, or from any folder of MIDI files (copied, checked and "
                  "cached; --from and --dest the same folder: checked in place)")
      ->check(CLI::ExistingPath);
  add_split_options(cmd, a->split);
  cmd->add_option("--url", a->url, "Where to download the zip from")->capture_default_str();
  cmd->add_option("--retries", a->retries, "Retries after an interrupted download (it resumes)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd->add_option("--cache", a->cache, "Cache folder for the index and the notes")
      ->default_str(default_cache_root().string());
  cmd->add_option("--threads", a->threads, "Threads that parse MIDI files (0: all cores)")
      ->capture_default_str();
  cmd->add_flag("--keep-zip", a->keep_zip, "Keep the downloaded zip after unpacking it");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bars");
  cmd->footer(
      "Examples:\n"
      "  music-lstm get-data                                  # download to the default folder\n"
      "  music-lstm get-data --from ../shared/data/maestro-v3.0.0 --dest data/maestro\n"
      "An interrupted download resumes when the same command runs again.");
  cmd->callback([a] { run(*a); });
}

}  // namespace mlstm::app
