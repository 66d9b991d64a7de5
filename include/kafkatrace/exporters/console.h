// Console span exporter: prints every finished span as a readable multi-line block — for
// development and debugging, not for machines (use the OTLP file exporter for that).
//
//   auto exporter = kafkatrace::exporters::make_console_exporter();           // stdout
//   auto to_log = kafkatrace::exporters::make_console_exporter({.file = stderr});
//   std::ostringstream out; auto captured = make_console_exporter({.stream = &out});
//
// Each span shows name, kind, trace/span/parent ids, flags, tracestate, start time (UTC) and
// duration, status, scope, service.name, attributes, events (offset from the span start) and
// links. String values are quoted, with control characters escaped as in JSON.
//
// Writing to stdout is this exporter's purpose: it is the one place kafkatrace writes there, and
// only because the application asked for it. Threading: export_spans from the processor's
// thread; a whole batch is formatted first and written in one call, under a mutex shared with
// force_flush (which flushes the FILE* or stream). The FILE*/stream must outlive the exporter.
#pragma once

#include <cstdio>
#include <iosfwd>
#include <memory>
#include <string>

#include "kafkatrace/otel/exporter.h"
#include "kafkatrace/otel/metric_exporter.h"

namespace kafkatrace::exporters {

struct ConsoleExporterOptions {
  std::FILE* file = stdout;        // used when `stream` is null
  std::ostream* stream = nullptr;  // when set, output goes here instead of `file`
};

std::unique_ptr<otel::SpanExporter> make_console_exporter(ConsoleExporterOptions options = {});

// The text printed for one span (ends with a newline).
std::string format_span_for_console(const otel::SpanData& span);

// Console metric exporter: each export_metrics call prints one block — collection time,
// service.name, then per scope each metric (type, temporality, unit, description) and its points
// (attributes, value, or histogram count/sum/min/max and buckets). Always cumulative. Same
// output and threading rules as the span exporter.
std::unique_ptr<otel::MetricExporter> make_console_metric_exporter(
    ConsoleExporterOptions options = {});

// The text printed for one collection (ends with a newline).
std::string format_metrics_for_console(const otel::ResourceMetrics& metrics);

}  // namespace kafkatrace::exporters
