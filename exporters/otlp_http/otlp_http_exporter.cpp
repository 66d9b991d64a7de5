// The OTLP/HTTP span exporter: encode, compress, POST, retry (see
// kafkatrace/exporters/otlp_http.h).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "otlp_common/environment.h"
#include "otlp_common/partial_success.h"
#include "otlp_common/rate_limited_log.h"
#include "otlp_http/gzip.h"
#include "otlp_http/http_session.h"

namespace kafkatrace::exporters {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kComponent = "otlp_http";

bool is_retryable_status(long status) noexcept {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::vector<std::string> header_lines(const OtlpHttpExporterOptions& options) {
  std::vector<std::string> lines{options.encoding == OtlpHttpEncoding::kJson
                                     ? "Content-Type: application/json"
                                     : "Content-Type: application/x-protobuf"};
  if (options.compression == OtlpCompression::kGzip) lines.emplace_back("Content-Encoding: gzip");
  bool has_user_agent = false;
  for (const auto& [name, value] : options.headers) {
    if (otlp::iequals(name, "user-agent")) has_user_agent = true;
    lines.push_back(name + ": " + value);
  }
  if (!has_user_agent) lines.push_back("User-Agent: " + otlp_http_user_agent());
  return lines;
}

class OtlpHttpExporter final : public otel::SpanExporter {
 public:
  explicit OtlpHttpExporter(OtlpHttpExporterOptions options)
      : options_(std::move(options)),
        endpoint_for_logs_(otlp::redact_url(options_.endpoint)),
        session_(options_.endpoint, header_lines(options_)),
        random_(std::random_device{}()) {
    if (!session_.valid()) {
      log(LogLevel::kError, kComponent, "libcurl could not be initialised; spans will be dropped");
    }
  }

  otel::ExportResult export_spans(
      std::span<const std::unique_ptr<otel::SpanData>> spans) noexcept override {
    {
      std::lock_guard lock(mutex_);
      if (shutdown_) return otel::ExportResult::kFailure;
      busy_ = true;
    }
    otel::ExportResult result = otel::ExportResult::kFailure;
    try {
      result = send(spans);
    } catch (const std::exception& error) {
      failures_.log(LogLevel::kError, std::string("export failed: ") + error.what());
    } catch (...) {
      failures_.log(LogLevel::kError, "export failed: unknown exception");
    }
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    idle_.notify_all();
    return result;
  }

  bool force_flush(std::chrono::microseconds timeout) noexcept override {
    // Exports are synchronous: nothing is buffered, so flushing means waiting for one in flight.
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return !busy_; });
  }

  bool shutdown(std::chrono::microseconds timeout) noexcept override {
    std::unique_lock lock(mutex_);
    shutdown_ = true;
    wake_.notify_all();  // cut backoff waits short
    if (idle_.wait_for(lock, timeout, [this] { return !busy_; })) return true;
    abort_.store(true);  // the transfer still running gives up at its next progress check
    return false;
  }

 private:
  otel::ExportResult send(std::span<const std::unique_ptr<otel::SpanData>> spans) {
    const auto deadline = Clock::now() + options_.timeout;
    std::string_view body = options_.encoding == OtlpHttpEncoding::kJson
                                ? encoder_.encode_json(spans)
                                : encoder_.encode_protobuf(spans);
    if (options_.compression == OtlpCompression::kGzip) {
      auto compressed = gzip_.compress(body);
      if (!compressed) {
        failures_.log(LogLevel::kError, "gzip compression failed; batch dropped");
        return otel::ExportResult::kFailure;
      }
      body = *compressed;
    }
    const std::size_t count = spans.size();
    const int max_attempts = std::max(1, options_.retry.max_attempts);
    for (int attempt = 1;; ++attempt) {
      const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (remaining.count() <= 0) return fail(count, "export timeout reached");
      otlp::HttpResponse response = session_.post(body, remaining, abort_);
      if (response.status >= 200 && response.status < 300) {
        report_partial_success(response.body);
        return otel::ExportResult::kSuccess;
      }
      const std::string what = describe(response);
      const bool retryable = is_retryable_status(response.status) || response.connection_failed;
      if (!retryable) return fail(count, what + " (not retryable)");
      if (attempt >= max_attempts) {
        return fail(count, what + " after " + std::to_string(attempt) + " attempts");
      }
      const milliseconds delay = response.retry_after ? *response.retry_after : backoff(attempt);
      if (Clock::now() + delay >= deadline) {
        return fail(count, what + "; next retry would pass the export timeout");
      }
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, delay, [this] { return shutdown_; })) {
        return fail(count, what + "; retry cancelled by shutdown");
      }
    }
  }

  milliseconds backoff(int attempt) {
    double delay = static_cast<double>(options_.retry.initial_backoff.count());
    for (int i = 1; i < attempt; ++i) delay *= options_.retry.backoff_multiplier;
    delay = std::min(delay, static_cast<double>(options_.retry.max_backoff.count()));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return milliseconds(static_cast<std::int64_t>(delay * jitter(random_)));
  }

  std::string describe(const otlp::HttpResponse& response) const {
    if (response.status != 0) {
      std::string text = "HTTP " + std::to_string(response.status);
      if (!response.body.empty() && response.body.size() <= 512) {
        // Servers usually answer errors with a google.rpc.Status or text; show a short one.
        text += ": " + std::string(response.body.substr(0, 200));
      }
      return text;
    }
    return response.error.empty() ? std::string("no response") : response.error;
  }

  otel::ExportResult fail(std::size_t count, const std::string& reason) {
    failures_.log(LogLevel::kError, "export of " + std::to_string(count) + " spans to " +
                                        endpoint_for_logs_ + " failed: " + reason);
    return otel::ExportResult::kFailure;
  }

  void report_partial_success(std::string_view body) {
    auto partial = otlp::parse_partial_success(body);
    if (!partial || (partial->rejected == 0 && partial->error_message.empty())) return;
    partial_success_.log(LogLevel::kWarning, "collector rejected " +
                                                 std::to_string(partial->rejected) +
                                                 " spans: " + partial->error_message);
  }

  const OtlpHttpExporterOptions options_;
  const std::string endpoint_for_logs_;
  otlp::HttpSession session_;
  OtlpTraceEncoder encoder_;
  otlp::GzipCompressor gzip_;
  std::mt19937 random_;
  otlp::RateLimitedLog failures_{std::string(kComponent)};
  otlp::RateLimitedLog partial_success_{std::string(kComponent)};

  std::mutex mutex_;
  std::condition_variable idle_;
  std::condition_variable wake_;
  bool busy_ = false;
  bool shutdown_ = false;
  std::atomic<bool> abort_{false};
};

}  // namespace

std::unique_ptr<otel::SpanExporter> make_otlp_http_exporter(OtlpHttpExporterOptions options) {
  return std::make_unique<OtlpHttpExporter>(std::move(options));
}

}  // namespace kafkatrace::exporters
