#include "data/window_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

#include "io/atomic_file.hpp"

namespace mlstm {
namespace {

constexpr char kMagic[8] = {'M', 'L', 'S', 'T', 'M', 'W', 'I', 'N'};
constexpr std::size_t kAlign = 64;
// Magic, version, 0, then five int64 fields.
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 5 * 8;

std::size_t aligned(std::size_t at) {
  return (at + kAlign - 1) / kAlign * kAlign;
}

// The byte offsets of the five arrays for `notes` rows and `windows` windows; the last entry is
// the file's size.
std::array<std::size_t, 6> layout(std::int64_t notes, std::int64_t windows) {
  const auto n = static_cast<std::size_t>(notes), w = static_cast<std::size_t>(windows);
  std::array<std::size_t, 6> at{};
  at[0] = aligned(kHeaderBytes);
  at[1] = aligned(at[0] + n * 8);
  at[2] = aligned(at[1] + n * 4);
  at[3] = aligned(at[2] + n * 4);
  at[4] = aligned(at[3] + n * 4);
  at[5] = at[4] + w * 8;
  return at;
}

// A read-only mapping of a whole file, unmapped when the last tensor on it goes.
struct Mapping {
  void* data = MAP_FAILED;
  std::size_t size = 0;
  ~Mapping() {
    if (data != MAP_FAILED) ::munmap(data, size);
  }
};

}  // namespace

void save_window_set(const WindowSet& set, const std::filesystem::path& path) {
  const WindowSet::Rows r = set.rows();
  const std::int64_t notes = r.pitch.size(0), windows = r.starts.size(0);
  const auto at = layout(notes, windows);
  write_file_atomically(path, [&](std::ostream& os) {
    std::string head(kHeaderBytes, '\0');
    std::memcpy(head.data(), kMagic, 8);
    const std::uint32_t version = kWindowFileVersion;
    std::memcpy(head.data() + 8, &version, 4);
    const std::int64_t fields[5] = {r.window_notes, static_cast<std::int64_t>(r.performances),
                                    static_cast<std::int64_t>(r.too_short), notes, windows};
    std::memcpy(head.data() + 16, fields, sizeof fields);
    os.write(head.data(), static_cast<std::streamsize>(head.size()));
    std::size_t written = head.size();
    const torch::Tensor arrays[5] = {r.pitch, r.step, r.duration, r.velocity, r.starts};
    for (int i = 0; i < 5; ++i) {
      const std::string pad(at[static_cast<std::size_t>(i)] - written, '\0');
      os.write(pad.data(), static_cast<std::streamsize>(pad.size()));
      const torch::Tensor t = arrays[i].contiguous();
      os.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.nbytes()));
      written = at[static_cast<std::size_t>(i)] + t.nbytes();
    }
  });
}

WindowSet map_window_set(const std::filesystem::path& path) {
  const auto fail = [&](const std::string& why) {
    return std::runtime_error("window file " + path.string() + ": " + why);
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(kHeaderBytes)) {
    ::close(fd);
    throw fail("shorter than its header");
  }
  auto map = std::make_shared<Mapping>();
  map->size = static_cast<std::size_t>(st.st_size);
  map->data = ::mmap(nullptr, map->size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);  // the mapping keeps the file
  if (map->data == MAP_FAILED) throw fail(std::string("cannot map it: ") + std::strerror(errno));
  const auto* bytes = static_cast<const char*>(map->data);
  std::uint32_t version = 0;
  std::memcpy(&version, bytes + 8, 4);
  if (std::memcmp(bytes, kMagic, 8) != 0 || version != kWindowFileVersion) {
    throw fail("not a window file of version " + std::to_string(kWindowFileVersion));
  }
  std::int64_t f[5];
  std::memcpy(f, bytes + 16, sizeof f);
  if (f[0] <= 0 || f[3] < 0 || f[4] < 0 || layout(f[3], f[4])[5] != map->size) {
    throw fail("its size is not what its header says (a damaged file)");
  }
  const auto at = layout(f[3], f[4]);
  // The tensors only read the mapping (a batch gathers rows into new tensors); each holds it.
  const auto on_map = [&](std::size_t offset, std::int64_t n, torch::ScalarType type) {
    void* p = static_cast<char*>(map->data) + offset;
    return torch::from_blob(
        p, {n}, [map](void*) {}, torch::TensorOptions().dtype(type));
  };
  WindowSet::Rows r;
  r.window_notes = f[0];
  r.performances = static_cast<std::size_t>(f[1]);
  r.too_short = static_cast<std::size_t>(f[2]);
  r.pitch = on_map(at[0], f[3], torch::kInt64);
  r.step = on_map(at[1], f[3], torch::kFloat32);
  r.duration = on_map(at[2], f[3], torch::kFloat32);
  r.velocity = on_map(at[3], f[3], torch::kFloat32);
  r.starts = on_map(at[4], f[4], torch::kInt64);
  return WindowSet(std::move(r));
}

}  // namespace mlstm
