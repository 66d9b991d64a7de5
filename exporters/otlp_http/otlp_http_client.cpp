#include "otlp_http/otlp_http_client.h"

#include <algorithm>

#include "otlp_common/environment.h"
#include "otlp_common/partial_success.h"

namespace kafkatrace::exporters::otlp {
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
    if (iequals(name, "user-agent")) has_user_agent = true;
    lines.push_back(name + ": " + value);
  }
  if (!has_user_agent) lines.push_back("User-Agent: " + otlp_http_user_agent());
  return lines;
}

std::string describe(const HttpResponse& response) {
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

}  // namespace

OtlpHttpClient::OtlpHttpClient(OtlpHttpExporterOptions options)
    : options_(std::move(options)),
      endpoint_for_logs_(redact_url(options_.endpoint)),
      session_(options_.endpoint, header_lines(options_)),
      random_(std::random_device{}()),
      failures_(std::string(kComponent)),
      partial_success_(std::string(kComponent)) {
  if (!session_.valid()) {
    log(LogLevel::kError, kComponent, "libcurl could not be initialised; exports will fail");
  }
}

otel::ExportResult OtlpHttpClient::export_body(
    std::string_view items, std::size_t count,
    const std::function<std::string_view()>& encode) noexcept {
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) return otel::ExportResult::kFailure;
    busy_ = true;
  }
  otel::ExportResult result = otel::ExportResult::kFailure;
  try {
    result = deliver(encode(), items, count);
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

bool OtlpHttpClient::force_flush(std::chrono::microseconds timeout) noexcept {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return !busy_; });
}

void OtlpHttpClient::stop_retrying() noexcept {
  {
    std::lock_guard lock(mutex_);
    no_retries_ = true;
  }
  wake_.notify_all();
}

bool OtlpHttpClient::shutdown(std::chrono::microseconds timeout) noexcept {
  std::unique_lock lock(mutex_);
  shutdown_ = true;
  wake_.notify_all();  // cut backoff waits short
  if (idle_.wait_for(lock, timeout, [this] { return !busy_; })) return true;
  abort_.store(true);  // the transfer still running gives up at its next progress check
  return false;
}

otel::ExportResult OtlpHttpClient::deliver(std::string_view body, std::string_view items,
                                           std::size_t count) {
  const auto deadline = Clock::now() + options_.timeout;
  if (options_.compression == OtlpCompression::kGzip) {
    auto compressed = gzip_.compress(body);
    if (!compressed) {
      failures_.log(LogLevel::kError, "gzip compression failed; batch dropped");
      return otel::ExportResult::kFailure;
    }
    body = *compressed;
  }
  const int max_attempts = std::max(1, options_.retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) return fail(items, count, "export timeout reached");
    HttpResponse response = session_.post(body, remaining, abort_);
    if (response.status >= 200 && response.status < 300) {
      report_partial_success(response.body, items);
      return otel::ExportResult::kSuccess;
    }
    const std::string what = describe(response);
    const bool retryable = is_retryable_status(response.status) || response.connection_failed;
    if (!retryable) return fail(items, count, what + " (not retryable)");
    if (attempt >= max_attempts) {
      return fail(items, count, what + " after " + std::to_string(attempt) + " attempts");
    }
    const milliseconds delay = response.retry_after ? *response.retry_after : backoff(attempt);
    if (Clock::now() + delay >= deadline) {
      return fail(items, count, what + "; next retry would pass the export timeout");
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, delay, [this] { return shutdown_ || no_retries_; })) {
      return fail(items, count, what + "; retry cancelled by shutdown");
    }
  }
}

milliseconds OtlpHttpClient::backoff(int attempt) {
  double delay = static_cast<double>(options_.retry.initial_backoff.count());
  for (int i = 1; i < attempt; ++i) delay *= options_.retry.backoff_multiplier;
  delay = std::min(delay, static_cast<double>(options_.retry.max_backoff.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return milliseconds(static_cast<std::int64_t>(delay * jitter(random_)));
}

otel::ExportResult OtlpHttpClient::fail(std::string_view items, std::size_t count,
                                        const std::string& reason) {
  failures_.log(LogLevel::kError, "export of " + std::to_string(count) + " " + std::string(items) +
                                      " to " + endpoint_for_logs_ + " failed: " + reason);
  return otel::ExportResult::kFailure;
}

void OtlpHttpClient::report_partial_success(std::string_view body, std::string_view items) {
  auto partial = parse_partial_success(body);
  if (!partial || (partial->rejected == 0 && partial->error_message.empty())) return;
  partial_success_.log(LogLevel::kWarning, "collector rejected " +
                                               std::to_string(partial->rejected) + " " +
                                               std::string(items) + ": " + partial->error_message);
}

}  // namespace kafkatrace::exporters::otlp
