#pragma once
// A binary cache of every performance's notes, so that training never parses MIDI twice.
//
// One file per dataset (notes-v<N>.bin in the dataset's cache folder). Each entry remembers the
// size and modification time of its MIDI file; an entry whose file changed is parsed again, the
// others are reused. A cache of another format version, or one that does not read back cleanly,
// is rebuilt whole.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "maestro/maestro_index.hpp"
#include "midi/note.hpp"

namespace mlstm {

// 2: each file's track names and sustain-pedal events too (plain MIDI folders choose tracks by
// name; the pedal is what a pianist heard).
inline constexpr std::uint32_t kNoteCacheVersion = 2;

struct CachedPerformance {
  std::string midi_filename;  // as in the CSV
  std::uint64_t file_size = 0;
  std::int64_t file_mtime_ns = 0;
  bool ok = false;
  std::string error;  // the parse error when !ok (the file is skipped by training)
  std::vector<Note> notes;
  std::vector<std::string> track_names;  // by MTrk index; empty when a track has no name
  std::vector<PedalEvent> pedals;        // sustain pedal (CC64) only
};

struct NoteCacheStats {
  std::size_t reused = 0;   // entries taken from the cache file as they were
  std::size_t parsed = 0;   // files parsed now (new or changed)
  std::size_t corrupt = 0;  // files that did not parse (now or before); skipped
  std::size_t missing = 0;  // CSV rows whose file is not there; skipped
  bool rebuilt = false;     // the cache file was absent, stale in format, or damaged
};

struct NoteCache {
  std::vector<CachedPerformance> entries;  // in CSV order; missing files have no entry
  NoteCacheStats stats;

  const CachedPerformance* find(const std::string& midi_filename) const;
};

// Called as files are parsed: (done, total).
using CacheProgress = std::function<void(std::size_t, std::size_t)>;

// Loads the cache at `cache_file`, parses what is new or changed with `threads` threads, and
// writes the updated cache back (atomically) when anything changed.
NoteCache update_note_cache(const MaestroIndex& index, const std::filesystem::path& cache_file,
                            unsigned threads = 0, const CacheProgress& progress = {});

// Reads a cache file as it is (for tools and tests). Throws std::runtime_error if it is damaged
// or of another version.
std::vector<CachedPerformance> read_note_cache_file(const std::filesystem::path& cache_file);

// Where music-lstm keeps caches: $MUSIC_LSTM_CACHE, else $XDG_CACHE_HOME/music-lstm, else
// ~/.cache/music-lstm.
std::filesystem::path default_cache_root();

// The cache folder of one dataset: <cache root>/datasets/<folder name>-<hash of its full path>,
// so that datasets in read-only places (a shared copy) still get a cache. An empty `cache_root`
// is default_cache_root().
std::filesystem::path dataset_cache_dir(const std::filesystem::path& dataset_root,
                                        const std::filesystem::path& cache_root);

}  // namespace mlstm
