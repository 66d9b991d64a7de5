// OTLP/HTTP span exporter: POSTs each batch as a binary-protobuf ExportTraceServiceRequest to an
// OpenTelemetry Collector (or any OTLP/HTTP receiver), with optional gzip and retries.
//
//   auto options = kafkatrace::exporters::OtlpHttpExporterOptions::from_environment();
//   options.headers.emplace_back("x-api-key", key);
//   auto processor = kafkatrace::otel::make_batch_processor(make_otlp_http_exporter(options), ...);
//
// Request: POST <endpoint>, Content-Type: application/x-protobuf (or application/json with
// OtlpHttpEncoding::kJson), Content-Encoding: gzip when
// compressing, User-Agent "OTel-OTLP-Exporter-Cpp/<version> kafkatrace/<version>" (the OTLP
// exporter spec's recommended form; the second product token says which C++ implementation
// this is; a User-Agent in `headers` replaces it). One libcurl handle per exporter, so the
// connection is kept alive between batches.
//
// Retries: HTTP 429, 502, 503, 504 and connection failures are retried with exponential backoff
// (each wait drawn uniformly from [delay/2, delay], delay = initial_backoff * multiplier^n, capped
// at max_backoff), or after the server's Retry-After (delta-seconds or HTTP-date) when it sends
// one — all within `timeout`, which bounds the whole export call including waits. Other statuses
// fail at once. Failures are logged (component "otlp_http") at most once a minute per kind,
// with a count of suppressed repeats. Header values are never logged (they often hold API
// keys), and user:password in the endpoint is redacted. A 2xx response with partial_success
// (rejected spans) is logged as a warning and counts as success.
//
// Threading: export_spans runs on the processor's thread and blocks it for at most `timeout`.
// shutdown and force_flush may be called from any thread: both wait for an export in progress
// (up to their timeout); shutdown also cuts backoff waits short, then aborts a transfer still
// running at its deadline. After shutdown, export_spans fails at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kafkatrace/exporters/otlp_encoding.h"  // OtlpTemporalityPreference
#include "kafkatrace/otel/exporter.h"
#include "kafkatrace/otel/metric_exporter.h"

namespace kafkatrace::exporters {

enum class OtlpCompression { kNone, kGzip };
// http/protobuf (Content-Type application/x-protobuf, the default) or http/json
// (application/json, OTLP/JSON as in otlp_encoding.h).
enum class OtlpHttpEncoding { kProtobuf, kJson };

struct OtlpRetryOptions {
  int max_attempts = 5;  // including the first; 1 disables retries
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5000};
  double backoff_multiplier = 1.5;
};

struct OtlpHttpExporterOptions {
  std::string endpoint = "http://localhost:4318/v1/traces";
  std::vector<std::pair<std::string, std::string>> headers{};
  std::chrono::milliseconds timeout{10000};  // whole export call, retries included
  OtlpCompression compression = OtlpCompression::kNone;
  OtlpHttpEncoding encoding = OtlpHttpEncoding::kProtobuf;
  OtlpRetryOptions retry{};

  // Defaults overridden by the environment (signal-specific variables win):
  //   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  used as-is;
  //   OTEL_EXPORTER_OTLP_ENDPOINT         base URL, "/v1/traces" appended;
  //   OTEL_EXPORTER_OTLP_[TRACES_]HEADERS "k1=v1,k2=v2", values percent-decoded;
  //   OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT milliseconds (default 10000);
  //   OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION "gzip" or "none".
  // Malformed values are skipped with a warning naming the variable (never its value).
  // The protocol (OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL) is chosen by the caller (see
  // kafkatrace/otel/setup.h); `encoding` stays kProtobuf here.
  static OtlpHttpExporterOptions from_environment();
};

// Never returns null. If libcurl cannot be initialised, the exporter logs it and fails every
// export.
std::unique_ptr<otel::SpanExporter> make_otlp_http_exporter(
    OtlpHttpExporterOptions options = OtlpHttpExporterOptions::from_environment());

// OTLP/HTTP metric exporter: the same transport, options and behaviour as the span exporter
// above, POSTing ExportMetricsServiceRequest (see otlp_encoding.h) to /v1/metrics; the
// periodic reader calls export_metrics from its thread. Failures log "... metric points ...".
//
//   auto exporter = kafkatrace::exporters::make_otlp_http_metric_exporter();  // environment
//   auto reader = kafkatrace::otel::make_periodic_reader(std::move(exporter), reader_options);
struct OtlpHttpMetricExporterOptions {
  OtlpHttpExporterOptions http{.endpoint = "http://localhost:4318/v1/metrics"};
  OtlpTemporalityPreference temporality = OtlpTemporalityPreference::kCumulative;

  // As OtlpHttpExporterOptions::from_environment with METRICS in place of TRACES
  // (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as-is, else OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/metrics";
  // _METRICS_HEADERS, _METRICS_TIMEOUT, _METRICS_COMPRESSION, each falling back to the generic
  // variable), plus OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE.
  static OtlpHttpMetricExporterOptions from_environment();
};

std::unique_ptr<otel::MetricExporter> make_otlp_http_metric_exporter(
    OtlpHttpMetricExporterOptions options = OtlpHttpMetricExporterOptions::from_environment());

// The User-Agent value sent by default.
std::string otlp_http_user_agent();

}  // namespace kafkatrace::exporters
