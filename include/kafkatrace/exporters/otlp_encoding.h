// OTLP trace encoding: turns finished spans into an ExportTraceServiceRequest, as binary
// protobuf (OTLP/HTTP `application/x-protobuf`) or as OTLP/JSON (the file exporter's lines, and
// `application/json`). The OTLP exporters use it; it is public for tools and tests.
//
//   kafkatrace::exporters::OtlpTraceEncoder encoder;         // keep it: it reuses its buffers
//   std::string_view body = encoder.encode_protobuf(spans);  // valid until the next encode call
//   send(body.data(), body.size());
//
// Spans are grouped by resource, then by instrumentation scope, keeping the order in which each
// group first appears (resources and scopes are compared by pointer first, then by value).
// Protobuf output is the canonical encoding: fields in field-number order, proto3 defaults
// omitted, minimal varints — what protoc-generated code produces for the same message.
//
// OTLP/JSON follows https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding: trace and
// span ids as lower-case hex, lowerCamelCase keys, enums as integers, 64-bit integers (intValue,
// the *UnixNano times) as decimal strings, NaN/±Infinity as the strings "NaN", "Infinity",
// "-Infinity". Strings are escaped per RFC 8259 (control characters as \uXXXX or the short
// escapes); invalid UTF-8 is replaced by U+FFFD, one replacement per offending byte, because
// proto3 JSON strings must be valid UTF-8 and a receiver would reject the whole request.
// Output is one line with no trailing newline.
//
// Cost: linear in the encoded size. Measured (Release, this machine class, Kafka send spans of
// 10 attributes, ≈480 bytes each; bench/otlp_encoding_benchmark.cpp): protobuf ≈210 ns/span with
// the spans in cache, 260–340 ns/span when they are not (the usual case for a batch worker);
// JSON ≈1 µs/span. A warm encoder's protobuf path allocates nothing when the batch is already
// grouped (the usual case: one resource, few scopes); the JSON path allocates for tracestate
// text. Not thread-safe: use one encoder per thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "kafkatrace/otel/metric_data.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::exporters {

class OtlpTraceEncoder {
 public:
  OtlpTraceEncoder();
  ~OtlpTraceEncoder();
  OtlpTraceEncoder(OtlpTraceEncoder&&) noexcept;
  OtlpTraceEncoder& operator=(OtlpTraceEncoder&&) noexcept;

  // Both return a view of the encoder's own buffer, valid until the next encode call or the
  // encoder's destruction. Null SpanData pointers are skipped.
  std::string_view encode_protobuf(std::span<const std::unique_ptr<otel::SpanData>> spans);
  std::string_view encode_json(std::span<const std::unique_ptr<otel::SpanData>> spans);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot conveniences (allocate a fresh encoder and a result string).
std::string encode_otlp_trace_protobuf(std::span<const std::unique_ptr<otel::SpanData>> spans);
std::string encode_otlp_trace_json(std::span<const std::unique_ptr<otel::SpanData>> spans);

// OTLP metrics encoding: one ResourceMetrics as an ExportMetricsServiceRequest, with the same
// conventions as the trace encoder above (canonical protobuf; OTLP/JSON with asInt, count,
// bucketCounts and *UnixNano as decimal strings, aggregationTemporality as an integer).
// Metric types: Sum (aggregation_temporality, is_monotonic), Gauge, explicit-bucket Histogram
// (HistogramDataPoint.sum is always present; min/max when set).
//
//   kafkatrace::exporters::OtlpMetricsEncoder encoder;
//   std::string_view body = encoder.encode_protobuf(resource_metrics);
//
// Not thread-safe: use one encoder per thread; a warm encoder reuses its buffers.
class OtlpMetricsEncoder {
 public:
  OtlpMetricsEncoder();
  ~OtlpMetricsEncoder();
  OtlpMetricsEncoder(OtlpMetricsEncoder&&) noexcept;
  OtlpMetricsEncoder& operator=(OtlpMetricsEncoder&&) noexcept;

  // Views of the encoder's own buffer, valid until the next encode call.
  std::string_view encode_protobuf(const otel::ResourceMetrics& metrics);
  std::string_view encode_json(const otel::ResourceMetrics& metrics);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string encode_otlp_metrics_protobuf(const otel::ResourceMetrics& metrics);
std::string encode_otlp_metrics_json(const otel::ResourceMetrics& metrics);

// OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, shared by the OTLP metric exporters:
//   cumulative (default)  every instrument kind cumulative;
//   delta                 delta except UpDownCounter and ObservableUpDownCounter;
//   lowmemory             delta for Counter and Histogram only.
enum class OtlpTemporalityPreference { kCumulative, kDelta, kLowMemory };

otel::AggregationTemporality otlp_temporality(OtlpTemporalityPreference preference,
                                              otel::InstrumentKind kind) noexcept;

// Reads the variable (case-insensitive; "low_memory" is accepted too). Unset: cumulative; an
// unknown value logs a warning (component "otlp") and gives cumulative.
OtlpTemporalityPreference otlp_temporality_preference_from_environment();

}  // namespace kafkatrace::exporters
