// The conformance manifest: what otlp_trace_emitter asked the SDK for, written as JSON so that
// checkers in other languages (check_collector_output.py, check_npm_decode.js) can compare a
// peer's view of our OTLP output with it field by field.
//
//   Manifest manifest{.resource = resource, .scopes = {scope}, .spans = {}, .expected_requests =
//   1}; manifest.spans.push_back({.scope = 0, .data = expected_span_data}); write_file(path,
//   manifest_to_json(manifest));
//
// The JSON is produced by its own small writer (not the exporters' JsonWriter) so that an
// escaping bug in the code under test cannot hide itself by appearing in the expectation too.
// Format ("kafkatrace-conformance-manifest/1"):
//   {"format", "expectedRequests", "resource": {"attributes", "schemaUrl"},
//    "scopes": [{"name", "version", "schemaUrl"}],
//    "spans": [{"scope" (index), "traceId", "spanId", "parentSpanId" ("" for a root),
//               "parentIsRemote", "traceState", "flags" (Span.flags as OTLP defines it), "name",
//               "kind", "startTimeUnixNano", "endTimeUnixNano" (decimal strings), "attributes",
//               "droppedAttributesCount", "events": [{"name", "timeUnixNano", "attributes",
//               "droppedAttributesCount"}], "droppedEventsCount", "links": [{"traceId",
//               "spanId", "traceState", "flags", "attributes", "droppedAttributesCount"}],
//               "droppedLinksCount", "status": {"code", "message"}}]}
//   An attribute is {"key", "type", "value"}: type is string, bool, int, double or one of those
//   with "[]" for arrays; ints are decimal strings; doubles are numbers written with 17
//   significant digits, or the strings "NaN", "Infinity", "-Infinity".
// Strings are emitted with every control character, '"' and '\\' as \u00XX; other UTF-8 as is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::interop {

struct ExpectedSpan {
  std::size_t scope = 0;  // index into Manifest::scopes
  // What a peer must see. Its scope/resource pointers are ignored; parent_is_remote and the
  // contexts' flags and is_remote give the expected Span.flags / Link.flags.
  otel::SpanData data{};
};

struct Manifest {
  otel::Resource resource{};
  std::vector<otel::InstrumentationScope> scopes{};
  std::vector<ExpectedSpan> spans{};  // in the order they were ended (= exported)
  std::size_t expected_requests = 0;  // export requests a receiver should see
};

std::string manifest_to_json(const Manifest& manifest);

// Span.flags / Link.flags per opentelemetry-proto trace.proto: W3C trace flags in bits 0-7,
// bit 8 (0x100) "is_remote is known", bit 9 (0x200) "the parent (linked) context is remote".
std::uint32_t expected_flags(std::uint8_t trace_flags, bool remote);

}  // namespace kafkatrace::interop
