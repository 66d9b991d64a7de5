// The pieces of the OTLP round-trip fuzz target (otlp_roundtrip_fuzz.cpp): building a batch of
// spans from fuzz bytes, decoding our OTLP protobuf and OTLP/JSON output back into spans with
// readers written from the OTLP specification (not from the encoders), and comparing spans.
//
//   auto spans = build_spans(input);                       // otlp_span_builder.cpp
//   DecodedBatch proto = decode_protobuf(encoded);         // otlp_proto_reader.cpp
//   std::string difference = compare_spans(a, b, nan);     // otlp_span_compare.cpp
//
// The readers throw std::runtime_error on anything a strict receiver would reject, or that our
// encoders promise never to write: unknown fields, wrong wire types, fields out of order,
// proto3 default values written outside a oneof, invalid UTF-8, malformed ids.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::fuzz {

using SpanList = std::vector<std::unique_ptr<otel::SpanData>>;

// Up to six spans over a small pool of resources and scopes (null ones included), with
// attributes of every type, events, links, tracestates, arbitrary bytes in every string.
SpanList build_spans(FuzzInput& input);

// Spans as a receiver sees them: in wire order, each with the resource and scope of its
// ResourceSpans / ScopeSpans (shared within the group), and for each span the index of its
// ResourceSpans and of its ScopeSpans (counted over the whole request).
struct DecodedBatch {
  SpanList spans;
  std::vector<std::size_t> resource_group;
  std::vector<std::size_t> scope_group;
};

DecodedBatch decode_protobuf(std::string_view bytes);
DecodedBatch decode_json(std::string_view text);

// How doubles compare: bit for bit (protobuf keeps every NaN payload), or with all NaNs equal
// (OTLP/JSON writes "NaN").
enum class NanMatch { kBitwise, kAnyNan };

// "" when the spans are equal, otherwise the first difference, for the crash report. An empty
// array equals an empty array of any element type (the wire cannot tell them apart).
std::string compare_spans(const otel::SpanData& expected, const otel::SpanData& actual,
                          NanMatch nan);

}  // namespace kafkatrace::fuzz
