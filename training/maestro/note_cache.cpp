#include "maestro/note_cache.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "io/atomic_file.hpp"
#include "midi/midi_file.hpp"

namespace mlstm {
namespace {

constexpr char kMagic[8] = {'M', 'L', 'S', 'T', 'M', 'N', 'C', '\0'};

// Little binary writer/reader: fixed-width little-endian fields, length-prefixed strings.
class Out {
 public:
  explicit Out(std::ostream& o) : o_(o) {}
  template <typename T>
  void put(T v) {
    o_.write(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void str(const std::string& s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    o_.write(s.data(), static_cast<std::streamsize>(s.size()));
  }

 private:
  std::ostream& o_;
};

class In {
 public:
  In(const std::vector<char>& b, const std::filesystem::path& file) : b_(b), file_(file) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string str() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string s(b_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  bool at_end() const { return pos_ == b_.size(); }

 private:
  void need(std::size_t n) const {
    if (b_.size() - pos_ < n) {
      throw std::runtime_error(file_.string() + ": note cache truncated at byte " +
                               std::to_string(pos_));
    }
  }
  const std::vector<char>& b_;
  const std::filesystem::path& file_;
  std::size_t pos_ = 0;
};

static_assert(std::endian::native == std::endian::little, "the note cache is little-endian");

void write_cache(const std::filesystem::path& file, const std::vector<CachedPerformance>& entries) {
  std::filesystem::create_directories(file.parent_path());
  write_file_atomically(file, [&](std::ostream& os) {
    Out o(os);
    os.write(kMagic, sizeof kMagic);
    o.put<std::uint32_t>(kNoteCacheVersion);
    o.put<std::uint64_t>(entries.size());
    for (const auto& e : entries) {
      o.str(e.midi_filename);
      o.put<std::uint64_t>(e.file_size);
      o.put<std::int64_t>(e.file_mtime_ns);
      o.put<std::uint8_t>(e.ok ? 1 : 0);
      o.str(e.error);
      o.put<std::uint64_t>(e.notes.size());
      for (const Note& n : e.notes) {
        o.put<double>(n.start);
        o.put<double>(n.end);
        o.put<std::uint8_t>(static_cast<std::uint8_t>(n.pitch));
        o.put<std::uint8_t>(static_cast<std::uint8_t>(n.velocity));
        o.put<std::uint8_t>(static_cast<std::uint8_t>(n.channel));
        o.put<std::uint16_t>(static_cast<std::uint16_t>(n.track));
      }
      o.put<std::uint32_t>(static_cast<std::uint32_t>(e.track_names.size()));
      for (const std::string& name : e.track_names) o.str(name);
      o.put<std::uint64_t>(e.pedals.size());
      for (const PedalEvent& p : e.pedals) {
        o.put<double>(p.time);
        o.put<std::uint8_t>(static_cast<std::uint8_t>(p.value));
        o.put<std::uint8_t>(static_cast<std::uint8_t>(p.channel));
        o.put<std::uint16_t>(static_cast<std::uint16_t>(p.track));
      }
    }
  });
}

std::int64_t mtime_ns(const std::filesystem::path& p, std::error_code& ec) {
  const auto t = std::filesystem::last_write_time(p, ec);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::uint64_t fnv1a64(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

const CachedPerformance* NoteCache::find(const std::string& midi_filename) const {
  for (const auto& e : entries) {
    if (e.midi_filename == midi_filename) return &e;
  }
  return nullptr;
}

std::vector<CachedPerformance> read_note_cache_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot open note cache");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  In r(bytes, file);
  char magic[sizeof kMagic];
  for (char& c : magic) c = r.get<char>();
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
    throw std::runtime_error(file.string() + ": not a music-lstm note cache");
  }
  const auto version = r.get<std::uint32_t>();
  if (version != kNoteCacheVersion) {
    throw std::runtime_error(file.string() + ": note cache version " + std::to_string(version) +
                             ", this build reads version " + std::to_string(kNoteCacheVersion));
  }
  const auto count = r.get<std::uint64_t>();
  std::vector<CachedPerformance> entries;
  for (std::uint64_t i = 0; i < count; ++i) {
    CachedPerformance e;
    e.midi_filename = r.str();
    e.file_size = r.get<std::uint64_t>();
    e.file_mtime_ns = r.get<std::int64_t>();
    e.ok = r.get<std::uint8_t>() != 0;
    e.error = r.str();
    const auto n = r.get<std::uint64_t>();
    // 21 bytes a note: a count larger than what is left is damage, not a reason to allocate.
    if (n > bytes.size() / 21) throw std::runtime_error(file.string() + ": note cache damaged");
    e.notes.resize(n);
    for (Note& note : e.notes) {
      note.start = r.get<double>();
      note.end = r.get<double>();
      note.pitch = r.get<std::uint8_t>();
      note.velocity = r.get<std::uint8_t>();
      note.channel = r.get<std::uint8_t>();
      note.track = r.get<std::uint16_t>();
    }
    const auto tracks = r.get<std::uint32_t>();
    // At least 4 bytes a name: a count larger than what is left is damage.
    if (tracks > bytes.size() / 4) throw std::runtime_error(file.string() + ": note cache damaged");
    for (std::uint32_t t = 0; t < tracks; ++t) e.track_names.push_back(r.str());
    const auto pedals = r.get<std::uint64_t>();
    if (pedals > bytes.size() / 12)
      throw std::runtime_error(file.string() + ": note cache damaged");
    e.pedals.resize(pedals);
    for (PedalEvent& p : e.pedals) {
      p.time = r.get<double>();
      p.value = r.get<std::uint8_t>();
      p.channel = r.get<std::uint8_t>();
      p.track = r.get<std::uint16_t>();
    }
    entries.push_back(std::move(e));
  }
  if (!r.at_end()) throw std::runtime_error(file.string() + ": trailing bytes in note cache");
  return entries;
}

NoteCache update_note_cache(const MaestroIndex& index, const std::filesystem::path& cache_file,
                            unsigned threads, const CacheProgress& progress) {
  NoteCache cache;
  std::unordered_map<std::string, CachedPerformance> old;
  if (std::filesystem::exists(cache_file)) {
    try {
      for (auto& e : read_note_cache_file(cache_file)) old.emplace(e.midi_filename, std::move(e));
    } catch (const std::exception&) {
      cache.stats.rebuilt = true;  // damaged or of another version: parse everything again
    }
  } else {
    cache.stats.rebuilt = true;
  }

  std::vector<std::size_t> to_parse;  // indices into cache.entries
  for (const auto& p : index.performances) {
    const auto path = index.midi_path(p);
    std::error_code ec1, ec2;
    const auto size = std::filesystem::file_size(path, ec1);
    const auto mtime = mtime_ns(path, ec2);
    if (ec1 || ec2) {
      ++cache.stats.missing;
      continue;
    }
    auto it = old.find(p.midi_filename);
    if (it != old.end() && it->second.file_size == size && it->second.file_mtime_ns == mtime) {
      cache.entries.push_back(std::move(it->second));
      ++cache.stats.reused;
    } else {
      CachedPerformance e;
      e.midi_filename = p.midi_filename;
      e.file_size = size;
      e.file_mtime_ns = mtime;
      to_parse.push_back(cache.entries.size());
      cache.entries.push_back(std::move(e));
    }
  }

  // Parse the new and changed files on a few threads; each thread takes the next index.
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads =
      std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, to_parse.size())));
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex progress_mutex;
  auto work = [&] {
    for (std::size_t i; (i = next++) < to_parse.size();) {
      CachedPerformance& e = cache.entries[to_parse[i]];
      try {
        MidiFile f = read_midi_file(index.root / e.midi_filename);
        e.notes = std::move(f.notes);
        for (const MidiTrackInfo& t : f.tracks) e.track_names.push_back(t.name);
        for (const PedalEvent& p : f.pedals) {
          if (p.controller == kSustainPedal) e.pedals.push_back(p);
        }
        e.ok = true;
      } catch (const MidiError& err) {
        e.ok = false;
        e.error = err.what();
      }
      const std::size_t d = ++done;
      if (progress) {
        std::lock_guard lock(progress_mutex);
        progress(d, to_parse.size());
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  cache.stats.parsed = to_parse.size();
  for (const auto& e : cache.entries) cache.stats.corrupt += !e.ok;

  // Write back when something changed: parsed files, or entries dropped from the CSV.
  if (cache.stats.rebuilt || !to_parse.empty() || old.size() != cache.stats.reused) {
    write_cache(cache_file, cache.entries);
  }
  return cache;
}

std::filesystem::path default_cache_root() {
  if (const char* c = std::getenv("MUSIC_LSTM_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    return std::filesystem::path(x) / "music-lstm";
  }
  if (const char* h = std::getenv("HOME"); h && *h) {
    return std::filesystem::path(h) / ".cache" / "music-lstm";
  }
  return std::filesystem::temp_directory_path() / "music-lstm-cache";
}

std::filesystem::path dataset_cache_dir(const std::filesystem::path& dataset_root,
                                        const std::filesystem::path& cache_root) {
  std::error_code ec;
  auto full = std::filesystem::weakly_canonical(dataset_root, ec);
  if (ec) full = std::filesystem::absolute(dataset_root);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(fnv1a64(full.string())));
  std::string name = full.filename().string();
  if (name.empty()) name = "dataset";
  const std::filesystem::path root = cache_root.empty() ? default_cache_root() : cache_root;
  return root / "datasets" / (name + "-" + std::string(hash, 8));
}

}  // namespace mlstm
