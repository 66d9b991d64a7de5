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
// Cost: linear in the encoded size. Measured (Release, this machine class, 512 spans of 6
// attributes): protobuf ≈300 ns/span, JSON ≈1 µs/span. A warm encoder's protobuf path allocates
// nothing when the batch is already grouped (the usual case: one resource, few scopes); the JSON
// path allocates for tracestate text. Not thread-safe: use one
// encoder per thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

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

}  // namespace kafkatrace::exporters
