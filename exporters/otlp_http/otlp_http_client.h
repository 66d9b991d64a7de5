// OtlpHttpClient: the transport shared by the OTLP/HTTP span and metric exporters — gzip, POST,
// retries with backoff or Retry-After within the export timeout, partial_success reporting,
// rate-limited failure logs, and the force_flush/shutdown handshake (see
// kafkatrace/exporters/otlp_http.h for the behaviour callers rely on).
//
//   OtlpHttpClient client(options);
//   auto result = client.export_body("spans", spans.size(),
//                                    [&] { return encoder.encode_protobuf(spans); });
//
// Threading: export_body from one thread at a time (the processor's or reader's); force_flush
// and shutdown from any thread. Never throws.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "kafkatrace/exporters/otlp_http.h"
#include "otlp_common/rate_limited_log.h"
#include "otlp_http/gzip.h"
#include "otlp_http/http_session.h"

namespace kafkatrace::exporters::otlp {

class OtlpHttpClient {
 public:
  explicit OtlpHttpClient(OtlpHttpExporterOptions options);

  // Calls `encode` (its view must stay valid until export_body returns), then delivers the
  // body. `items` names what `count` counts in log messages ("spans", "metric points").
  otel::ExportResult export_body(std::string_view items, std::size_t count,
                                 const std::function<std::string_view()>& encode) noexcept;
  // Waits for an export in progress (exports are synchronous, nothing is buffered).
  bool force_flush(std::chrono::microseconds timeout) noexcept;
  // From now on a failed attempt is not retried (a backoff wait in progress ends at once);
  // exports still go out. For the last exports before a shutdown.
  void stop_retrying() noexcept;
  // Cuts backoff waits short, waits up to `timeout`, then aborts a transfer still running.
  bool shutdown(std::chrono::microseconds timeout) noexcept;

  const OtlpHttpExporterOptions& options() const noexcept { return options_; }

 private:
  otel::ExportResult deliver(std::string_view body, std::string_view items, std::size_t count);
  std::chrono::milliseconds backoff(int attempt);
  otel::ExportResult fail(std::string_view items, std::size_t count, const std::string& reason);
  void report_partial_success(std::string_view body, std::string_view items);

  const OtlpHttpExporterOptions options_;
  const std::string endpoint_for_logs_;
  HttpSession session_;
  GzipCompressor gzip_;
  std::mt19937 random_;
  RateLimitedLog failures_;
  RateLimitedLog partial_success_;

  std::mutex mutex_;
  std::condition_variable idle_;
  std::condition_variable wake_;
  bool busy_ = false;
  bool shutdown_ = false;
  bool no_retries_ = false;
  std::atomic<bool> abort_{false};
};

}  // namespace kafkatrace::exporters::otlp
