// JsonLinesFile: appends one line per call to a file opened lazily for appending, flushing after
// each line — the part the OTLP file span and metric exporters share. A failed open or write is
// logged (rate-limited, component "otlp_file") and the file is reopened on the next call.
//
//   JsonLinesFile file("/tmp/metrics.jsonl");
//   bool ok = file.append([&] { return encoder.encode_json(batch); }, "3 metric points");
//
// Thread-safe: calls serialise on an internal mutex (so flush/close wait for a write).
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "otlp_common/rate_limited_log.h"

namespace kafkatrace::exporters::otlp {

class JsonLinesFile {
 public:
  explicit JsonLinesFile(std::string path) : path_(std::move(path)) {}
  ~JsonLinesFile() { close_locked(); }
  JsonLinesFile(const JsonLinesFile&) = delete;
  JsonLinesFile& operator=(const JsonLinesFile&) = delete;

  // Writes encode()'s text plus '\n'. `what` names the dropped items in error messages. False
  // after close() or on failure. Never throws.
  bool append(const std::function<std::string_view()>& encode, std::string_view what) noexcept;
  bool flush() noexcept;
  // Closes the file; later appends fail.
  bool close() noexcept;

 private:
  bool open_locked();
  bool close_locked() noexcept;

  const std::string path_;
  RateLimitedLog failures_{"otlp_file"};
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool closed_ = false;
};

}  // namespace kafkatrace::exporters::otlp
