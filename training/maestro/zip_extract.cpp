#include "maestro/zip_extract.hpp"

#include <zip.h>

#include <memory>
#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "progress/progress_bar.hpp"

namespace mlstm {
namespace {

struct Entry {
  zip_uint64_t index;
  std::string name;
  zip_uint64_t size;
};

std::string first_component(const std::string& name) {
  const auto slash = name.find('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash + 1);
}

}  // namespace

ZipExtractResult extract_zip(const std::filesystem::path& zip_path,
                             const std::filesystem::path& dest, std::uint64_t max_bytes,
                             bool progress) {
  const std::string zname = zip_path.string();
  int err = 0;
  std::unique_ptr<zip_t, void (*)(zip_t*)> za(
      zip_open(zname.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err), zip_discard);
  if (!za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    const std::string what = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    throw ZipError(zname + ": not a valid zip archive (" + what + ")");
  }

  std::vector<Entry> entries;
  std::uint64_t total = 0;
  const zip_int64_t n = zip_get_num_entries(za.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    if (zip_stat_index(za.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
      throw ZipError(zname + ": entry " + std::to_string(i) +
                     " is unreadable: " + zip_strerror(za.get()));
    }
    std::string name = st.name;
    if (name.empty() || name.back() == '/') continue;  // a folder
    const std::filesystem::path rel(name);
    bool escapes = rel.is_absolute();
    for (const auto& part : rel) escapes = escapes || part == "..";
    if (escapes)
      throw ZipError(zname + ": entry '" + name + "' would be written outside " + dest.string());
    total += st.size;
    if (total > max_bytes) {
      throw ZipError(zname + ": unpacks to more than " + std::to_string(max_bytes >> 20) +
                     " MiB; refusing (not a MAESTRO archive?)");
    }
    entries.push_back({static_cast<zip_uint64_t>(i), name, st.size});
  }
  if (entries.empty()) throw ZipError(zname + ": the archive holds no files");

  // Strip the one top-level folder that every entry shares, if there is one.
  std::string prefix = first_component(entries.front().name);
  for (const Entry& e : entries) {
    if (prefix.empty() || !e.name.starts_with(prefix)) {
      prefix.clear();
      break;
    }
  }

  std::unique_ptr<ProgressBar> bar;
  if (progress)
    bar = std::make_unique<ProgressBar>("unpacking", static_cast<double>(total), "MB", 1e6);
  ZipExtractResult result;
  std::vector<char> buf(1 << 16);
  for (const Entry& e : entries) {
    const auto out_path = dest / e.name.substr(prefix.size());
    std::filesystem::create_directories(out_path.parent_path());
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> zf(zip_fopen_index(za.get(), e.index, 0),
                                                         zip_fclose);
    if (!zf)
      throw ZipError(zname + ": cannot open entry '" + e.name + "': " + zip_strerror(za.get()));
    std::uint64_t got = 0;
    try {
      write_file_atomically(out_path, [&](std::ostream& out) {
        for (;;) {
          const zip_int64_t r = zip_fread(zf.get(), buf.data(), buf.size());
          // libzip checks the CRC when the entry's last byte is read, and fails that read.
          if (r < 0) {
            throw ZipError(zname + ": entry '" + e.name + "' is corrupt (" +
                           zip_file_strerror(zf.get()) + ")");
          }
          if (r == 0) break;
          out.write(buf.data(), r);
          got += static_cast<std::uint64_t>(r);
          if (got > e.size) break;
          if (bar) bar->update(static_cast<double>(result.bytes + got));
        }
        if (got != e.size) {
          throw ZipError(zname + ": entry '" + e.name + "' holds " + std::to_string(got) +
                         " bytes, its header says " + std::to_string(e.size));
        }
      });
    } catch (const ZipError&) {
      throw;
    } catch (const std::exception& ex) {
      throw ZipError(ex.what());
    }
    result.bytes += got;
    ++result.files;
  }
  if (bar) bar->finish();
  return result;
}

}  // namespace mlstm
