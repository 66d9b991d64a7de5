// OTLP file span exporter: appends each export call's spans as one OTLP/JSON
// ExportTraceServiceRequest per line ("JSON lines"), the format of the OpenTelemetry Collector's
// file exporter and otlpjsonfile receiver — so the file can be replayed into a collector.
//
//   auto exporter = kafkatrace::exporters::make_otlp_file_exporter({.path = "/tmp/traces.jsonl"});
//   // or: KAFKATRACE_OTLP_FILE_TRACES_PATH=/tmp/traces.jsonl and
//   OtlpFileExporterOptions::from_environment()
//
// The file is opened for appending on first use and flushed (fflush, not fsync) after every line.
// If it cannot be opened or written, export_spans logs the reason (component "otlp_file", rate-
// limited) and returns kFailure; the next export tries to open it again. Nothing throws.
//
// Threading: export_spans from the processor's thread; force_flush/shutdown from any thread (they
// serialise on an internal mutex, so they wait for a write in progress).
#pragma once

#include <memory>
#include <string>

#include "kafkatrace/exporters/otlp_encoding.h"  // OtlpTemporalityPreference
#include "kafkatrace/otel/exporter.h"
#include "kafkatrace/otel/metric_exporter.h"

namespace kafkatrace::exporters {

struct OtlpFileExporterOptions {
  static constexpr const char* kDefaultPath = "kafkatrace-traces.jsonl";
  static constexpr const char* kPathVariable = "KAFKATRACE_OTLP_FILE_TRACES_PATH";

  std::string path = kDefaultPath;

  // path from KAFKATRACE_OTLP_FILE_TRACES_PATH when set and non-empty.
  static OtlpFileExporterOptions from_environment();
};

std::unique_ptr<otel::SpanExporter> make_otlp_file_exporter(
    OtlpFileExporterOptions options = OtlpFileExporterOptions::from_environment());

// The metric counterpart: one OTLP/JSON ExportMetricsServiceRequest per export_metrics call, same
// file handling (the collector's otlpjsonfile receiver reads it back). Path from
// KAFKATRACE_OTLP_FILE_METRICS_PATH (default kafkatrace-metrics.jsonl); temporality from
// OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE.
struct OtlpFileMetricExporterOptions {
  static constexpr const char* kDefaultPath = "kafkatrace-metrics.jsonl";
  static constexpr const char* kPathVariable = "KAFKATRACE_OTLP_FILE_METRICS_PATH";

  std::string path = kDefaultPath;
  OtlpTemporalityPreference temporality = OtlpTemporalityPreference::kCumulative;

  static OtlpFileMetricExporterOptions from_environment();
};

std::unique_ptr<otel::MetricExporter> make_otlp_file_metric_exporter(
    OtlpFileMetricExporterOptions options = OtlpFileMetricExporterOptions::from_environment());

}  // namespace kafkatrace::exporters
