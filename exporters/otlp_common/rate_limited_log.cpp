#include "otlp_common/rate_limited_log.h"

namespace kafkatrace::exporters::otlp {

void RateLimitedLog::log(LogLevel level, std::string_view message) noexcept {
  if (!log_enabled(level)) return;
  try {
    std::uint64_t suppressed = 0;
    {
      const auto now = std::chrono::steady_clock::now();
      std::lock_guard lock(mutex_);
      if (last_logged_ && now - *last_logged_ < interval_) {
        ++suppressed_;
        return;
      }
      last_logged_ = now;
      suppressed = suppressed_;
      suppressed_ = 0;
    }
    if (suppressed == 0) {
      kafkatrace::log(level, component_, message);
    } else {
      std::string text(message);
      text += " (" + std::to_string(suppressed) + " similar messages suppressed)";
      kafkatrace::log(level, component_, text);
    }
  } catch (...) {
    // Logging must never take the exporter down.
  }
}

std::uint64_t RateLimitedLog::suppressed() const noexcept {
  std::lock_guard lock(mutex_);
  return suppressed_;
}

std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  const std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority);
  const auto at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  std::string redacted(url.substr(0, authority));
  redacted += "***@";
  redacted += url.substr(at + 1);
  return redacted;
}

}  // namespace kafkatrace::exporters::otlp
