#include "maestro/http_download.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "progress/progress_bar.hpp"

namespace mlstm {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

struct Transfer {
  std::FILE* file = nullptr;
  bool write_failed = false;
  std::uint64_t start_bytes = 0;  // already in the .part file when this attempt began
  ProgressBar* bar = nullptr;
};

std::size_t on_data(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t written = std::fwrite(data, size, n, t->file);
  if (written != n) t->write_failed = true;
  return written * size;
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->bar && dltotal > 0) {
    t->bar->update(static_cast<double>(t->start_bytes + static_cast<std::uint64_t>(dlnow)));
  }
  return 0;
}

std::uint64_t file_size_or_zero(const std::filesystem::path& p) {
  std::error_code ec;
  const auto s = std::filesystem::file_size(p, ec);
  return ec ? 0 : s;
}

std::string mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

}  // namespace

DownloadResult download_file(const std::string& url, const std::filesystem::path& dest,
                             const DownloadOptions& options) {
  static CurlGlobal global;
  const auto part = std::filesystem::path(dest.string() + ".part");
  DownloadResult result;
  result.resumed_from = file_size_or_zero(part);
  if (result.resumed_from > 0) {
    std::fprintf(stderr, "resuming %s: %s already downloaded\n", dest.filename().c_str(),
                 mb(result.resumed_from).c_str());
  }
  std::string last_error;
  for (int attempt = 0; attempt <= options.retries; ++attempt) {
    if (attempt > 0) {
      const double wait = std::min(30.0, options.retry_backoff_s * std::pow(2.0, attempt - 1));
      std::fprintf(stderr, "download interrupted (%s) at %s; retrying in %.0f s (%d of %d)\n",
                   last_error.c_str(), mb(file_size_or_zero(part)).c_str(), wait, attempt,
                   options.retries);
      std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
    ++result.attempts;
    Transfer t;
    t.start_bytes = file_size_or_zero(part);
    t.file = std::fopen(part.c_str(), t.start_bytes > 0 ? "ab" : "wb");
    if (!t.file) {
      throw DownloadError("cannot write " + part.string() + ": " + std::strerror(errno));
    }
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    char errbuf[CURL_ERROR_SIZE] = {0};
    std::unique_ptr<ProgressBar> bar;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "music-lstm");
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
    // A stalled connection fails the attempt instead of hanging: less than 1 byte/s for so long.
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, options.stall_timeout_s);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl.get(), CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(t.start_bytes));
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &t);
    CURLcode rc;
    {
      // The progress bar is made when the response's Content-Length arrives: only then is the
      // total known. Header and progress callbacks run on this thread, inside perform.
      struct HeaderState {
        Transfer* t;
        std::unique_ptr<ProgressBar>* bar;
        bool enabled;
        std::string name;
      } hs{&t, &bar, options.progress, dest.filename().string()};
      auto on_header = +[](char* data, std::size_t size, std::size_t n, void* user) -> std::size_t {
        auto* h = static_cast<HeaderState*>(user);
        std::string line(data, size * n);
        std::transform(line.begin(), line.end(), line.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (h->enabled && line.starts_with("content-length:")) {
          const double remaining = std::atof(line.c_str() + 15);
          *h->bar = std::make_unique<ProgressBar>(
              h->name, static_cast<double>(h->t->start_bytes) + remaining, "MB", 1e6);
          h->t->bar = h->bar->get();
        }
        return size * n;
      };
      curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, on_header);
      curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &hs);
      rc = curl_easy_perform(curl.get());
      if (bar) bar->finish();
      t.bar = nullptr;
    }
    const bool close_failed = std::fclose(t.file) != 0;
    long http = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &http);
    if (t.write_failed || close_failed) {
      throw DownloadError("cannot write " + part.string() + " (disk full?)");
    }
    if (rc == CURLE_OK) {
      std::filesystem::rename(part, dest);
      result.bytes = file_size_or_zero(dest);
      return result;
    }
    last_error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_RANGE_ERROR || (rc == CURLE_HTTP_RETURNED_ERROR && http == 416)) {
      // The server cannot continue our partial file (no range support, or it changed): start over.
      std::filesystem::remove(part);
      continue;
    }
    if (rc == CURLE_HTTP_RETURNED_ERROR || rc == CURLE_UNSUPPORTED_PROTOCOL ||
        rc == CURLE_URL_MALFORMAT || rc == CURLE_COULDNT_RESOLVE_HOST) {
      // Not something a retry fixes.
      throw DownloadError("cannot download " + url + ": " + last_error +
                          (rc == CURLE_COULDNT_RESOLVE_HOST
                               ? " (no network? use --from with a local zip or folder)"
                               : ""));
    }
  }
  const std::uint64_t kept = file_size_or_zero(part);
  const std::string tries =
      std::to_string(result.attempts) + (result.attempts == 1 ? " attempt" : " attempts");
  if (kept == 0) {
    std::filesystem::remove(part);
    throw DownloadError("download of " + url + " failed after " + tries + " (" + last_error +
                        "); check the network and the URL, or use --from with a local copy");
  }
  throw DownloadError("download of " + url + " failed after " + tries + " (" + last_error + "); " +
                      mb(kept) + " kept in " + part.string() +
                      ": run the same command again to resume");
}

}  // namespace mlstm
