// The two OTLP trace encoders behind OtlpTraceEncoder (see kafkatrace/exporters/otlp_encoding.h):
// both walk a SpanGrouping and append one ExportTraceServiceRequest to their writer.
#pragma once

#include "otlp_common/json_writer.h"
#include "otlp_common/protobuf_writer.h"
#include "otlp_common/shared_attribute_cache.h"
#include "otlp_common/span_grouping.h"

namespace kafkatrace::exporters::otlp {

// `cache`: the encodings of the spans' shared attributes, kept from one request to the next.
void encode_trace_request(const SpanGrouping& grouping, ProtobufWriter& writer,
                          SharedAttributeCache& cache);
void encode_trace_request(const SpanGrouping& grouping, JsonWriter& writer);

// Span.flags / Link.flags: W3C trace flags in bits 0–7, plus SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE
// (0x100) and, when the parent (or linked) context is remote, SPAN_FLAGS_CONTEXT_IS_REMOTE (0x200).
inline constexpr std::uint32_t kSpanFlagsHasIsRemote = 0x100;
inline constexpr std::uint32_t kSpanFlagsIsRemote = 0x200;
inline std::uint32_t span_flags(std::uint8_t trace_flags, bool remote) noexcept {
  return trace_flags | kSpanFlagsHasIsRemote | (remote ? kSpanFlagsIsRemote : 0U);
}

}  // namespace kafkatrace::exporters::otlp
