// RateLimitedLog: reports a recurring problem (an unreachable collector, a full disk) once, then
// at most once per interval, saying how many repeats were suppressed meanwhile — so a dead
// endpoint does not flood the application's log.
//
//   RateLimitedLog failures{"otlp_http"};
//   failures.log(LogLevel::kError, "export failed: HTTP 400");   // first: logged
//   failures.log(LogLevel::kError, "export failed: HTTP 400");   // within 60 s: counted only
//
// Thread-safe; never throws. Messages go through kafkatrace::log.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "kafkatrace/log.h"

namespace kafkatrace::exporters::otlp {

class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::string component,
                          std::chrono::steady_clock::duration interval = std::chrono::seconds(60))
      : component_(std::move(component)), interval_(interval) {}

  void log(LogLevel level, std::string_view message) noexcept;

  std::uint64_t suppressed() const noexcept;

 private:
  const std::string component_;
  const std::chrono::steady_clock::duration interval_;
  mutable std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> last_logged_;
  std::uint64_t suppressed_ = 0;
};

// Removes "user:password@" from a URL, for log messages.
std::string redact_url(std::string_view url);

}  // namespace kafkatrace::exporters::otlp
