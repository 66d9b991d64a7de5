// Protobuf encoding of opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest.
// Field numbers checked against opentelemetry-proto trace.proto and trace_service.proto.
#include "otlp_common/otlp_trace_proto.h"

#include <string>
#include <variant>

#include "otlp_common/otlp_proto_common.h"

namespace kafkatrace::exporters::otlp {
namespace {

constexpr std::uint32_t kRequestResourceSpans = 1;
constexpr std::uint32_t kResourceSpansResource = 1;
constexpr std::uint32_t kResourceSpansScopeSpans = 2;
constexpr std::uint32_t kResourceSpansSchemaUrl = 3;
constexpr std::uint32_t kScopeSpansScope = 1;
constexpr std::uint32_t kScopeSpansSpans = 2;
constexpr std::uint32_t kScopeSpansSchemaUrl = 3;

constexpr std::uint32_t kSpanTraceId = 1;
constexpr std::uint32_t kSpanSpanId = 2;
constexpr std::uint32_t kSpanTraceState = 3;
constexpr std::uint32_t kSpanParentSpanId = 4;
constexpr std::uint32_t kSpanName = 5;
constexpr std::uint32_t kSpanKind = 6;
constexpr std::uint32_t kSpanStartTime = 7;
constexpr std::uint32_t kSpanEndTime = 8;
constexpr std::uint32_t kSpanAttributes = 9;
constexpr std::uint32_t kSpanDroppedAttributesCount = 10;
constexpr std::uint32_t kSpanEvents = 11;
constexpr std::uint32_t kSpanDroppedEventsCount = 12;
constexpr std::uint32_t kSpanLinks = 13;
constexpr std::uint32_t kSpanDroppedLinksCount = 14;
constexpr std::uint32_t kSpanStatus = 15;
constexpr std::uint32_t kSpanFlags = 16;

constexpr std::uint32_t kEventTime = 1;
constexpr std::uint32_t kEventName = 2;
constexpr std::uint32_t kEventAttributes = 3;
constexpr std::uint32_t kEventDroppedAttributesCount = 4;

constexpr std::uint32_t kLinkTraceId = 1;
constexpr std::uint32_t kLinkSpanId = 2;
constexpr std::uint32_t kLinkTraceState = 3;
constexpr std::uint32_t kLinkAttributes = 4;
constexpr std::uint32_t kLinkDroppedAttributesCount = 5;
constexpr std::uint32_t kLinkFlags = 6;

constexpr std::uint32_t kStatusMessage = 2;
constexpr std::uint32_t kStatusCode = 3;

// Writes "k1=v1,k2=v2" straight from the entries, without building the header string.
void write_trace_state(ProtobufWriter& writer, std::uint32_t field, const otel::TraceState& state) {
  if (state.empty()) return;
  const auto& entries = state.entries();
  std::size_t length = entries.size() - 1;  // commas
  for (const auto& [key, value] : entries) length += key.size() + 1 + value.size();
  writer.write_tag(field, WireType::kLengthDelimited);
  writer.write_raw_varint(length);
  bool first = true;
  for (const auto& [key, value] : entries) {
    if (!first) writer.write_raw(",");
    first = false;
    writer.write_raw(key);
    writer.write_raw("=");
    writer.write_raw(value);
  }
}

void write_count(ProtobufWriter& writer, std::uint32_t field, std::uint32_t count) {
  if (count != 0) writer.write_varint(field, count);
}

void write_event(ProtobufWriter& writer, const otel::SpanEvent& event) {
  auto message = writer.begin_nested(kSpanEvents, 1);
  if (event.time_unix_nano != 0) writer.write_fixed64(kEventTime, event.time_unix_nano);
  if (!event.name.empty()) writer.write_string(kEventName, event.name);
  write_key_values(writer, kEventAttributes, event.attributes);
  write_count(writer, kEventDroppedAttributesCount, event.dropped_attributes_count);
  writer.end_nested(message);
}

// The common link (no trace state, no attributes) in one claim: 35 bytes, sized in advance.
bool write_plain_link(ProtobufWriter& writer, const otel::SpanLink& link) {
  using W = ProtobufWriter;
  if (!link.context.trace_state.empty() || !link.attributes.empty() ||
      link.dropped_attributes_count != 0) {
    return false;
  }
  constexpr std::size_t kBody = 18 + 10 + 5;  // trace id, span id, flags
  char* out = writer.claim(2 + kBody);
  out = W::put_tag(out, kSpanLinks, WireType::kLengthDelimited);
  *out++ = static_cast<char>(kBody);
  out = W::put_bytes(out, kLinkTraceId, link.context.trace_id.bytes());
  out = W::put_bytes(out, kLinkSpanId, link.context.span_id.bytes());
  out = W::put_tag(out, kLinkFlags, WireType::kFixed32);
  W::put_fixed32(out, span_flags(link.context.trace_flags.bits(), link.context.is_remote));
  return true;
}

void write_link(ProtobufWriter& writer, const otel::SpanLink& link) {
  if (write_plain_link(writer, link)) return;
  auto message = writer.begin_nested(kSpanLinks, 1);
  writer.write_bytes(kLinkTraceId, link.context.trace_id.bytes());
  writer.write_bytes(kLinkSpanId, link.context.span_id.bytes());
  write_trace_state(writer, kLinkTraceState, link.context.trace_state);
  write_key_values(writer, kLinkAttributes, link.attributes);
  write_count(writer, kLinkDroppedAttributesCount, link.dropped_attributes_count);
  writer.write_fixed32(kLinkFlags,
                       span_flags(link.context.trace_flags.bits(), link.context.is_remote));
  writer.end_nested(message);
}

// Fields 1, 2 and 4–8 (ids, name, kind, times) in one claim, sized in advance: what every span
// has, without a capacity check and a call per field. False, with nothing written, when the span
// has a trace state (field 3 goes between them) or a name that is not ASCII (it may need U+FFFD
// replacements): write_span_head then writes them one by one.
bool write_plain_span_head(ProtobufWriter& writer, const otel::SpanData& span, bool has_parent) {
  using W = ProtobufWriter;
  if (!span.context.trace_state.empty()) return false;
  const std::string& name = span.name;
  const auto kind = static_cast<std::uint64_t>(span.kind);
  const std::size_t total = 18 + 10 + (has_parent ? 10 : 0) +
                            (name.empty() ? 0 : 1 + W::varint_size(name.size()) + name.size()) + 1 +
                            W::varint_size(kind) + (span.start_time_unix_nano != 0 ? 9 : 0) +
                            (span.end_time_unix_nano != 0 ? 9 : 0);
  const std::size_t start = writer.size();
  char* out = writer.claim(total);
  out = W::put_bytes(out, kSpanTraceId, span.context.trace_id.bytes());
  out = W::put_bytes(out, kSpanSpanId, span.context.span_id.bytes());
  if (has_parent) out = W::put_bytes(out, kSpanParentSpanId, span.parent_span_id.bytes());
  if (!name.empty()) {
    out = W::put_tag(out, kSpanName, WireType::kLengthDelimited);
    out = W::put_varint(out, name.size());
    if (!W::put_ascii(out, name)) {
      writer.truncate(start);
      return false;
    }
    out += name.size();
  }
  out = W::put_tag(out, kSpanKind, WireType::kVarint);
  out = W::put_varint(out, kind);
  if (span.start_time_unix_nano != 0) {
    out = W::put_tag(out, kSpanStartTime, WireType::kFixed64);
    out = W::put_fixed64(out, span.start_time_unix_nano);
  }
  if (span.end_time_unix_nano != 0) {
    out = W::put_tag(out, kSpanEndTime, WireType::kFixed64);
    W::put_fixed64(out, span.end_time_unix_nano);
  }
  return true;
}

void write_span_head(ProtobufWriter& writer, const otel::SpanData& span, bool has_parent) {
  if (write_plain_span_head(writer, span, has_parent)) return;
  writer.write_bytes(kSpanTraceId, span.context.trace_id.bytes());
  writer.write_bytes(kSpanSpanId, span.context.span_id.bytes());
  write_trace_state(writer, kSpanTraceState, span.context.trace_state);
  if (has_parent) writer.write_bytes(kSpanParentSpanId, span.parent_span_id.bytes());
  if (!span.name.empty()) writer.write_string(kSpanName, span.name);
  writer.write_varint(kSpanKind, static_cast<std::uint64_t>(span.kind));
  if (span.start_time_unix_nano != 0) {
    writer.write_fixed64(kSpanStartTime, span.start_time_unix_nano);
  }
  if (span.end_time_unix_nano != 0) writer.write_fixed64(kSpanEndTime, span.end_time_unix_nano);
}

void write_span(ProtobufWriter& writer, const otel::SpanData& span, SharedAttributeCache& cache) {
  auto message = writer.begin_nested(kScopeSpansSpans, 2);
  const bool has_parent = span.parent_span_id.is_valid();
  write_span_head(writer, span, has_parent);
  if (span.shared_attributes)
    writer.write_raw(cache.encoded(*span.shared_attributes, kSpanAttributes));
  write_key_values(writer, kSpanAttributes, span.attributes);
  write_count(writer, kSpanDroppedAttributesCount, span.dropped_attributes_count);
  for (const auto& event : span.events) write_event(writer, event);
  write_count(writer, kSpanDroppedEventsCount, span.dropped_events_count);
  for (const auto& link : span.links) write_link(writer, link);
  write_count(writer, kSpanDroppedLinksCount, span.dropped_links_count);
  if (span.status_code != otel::StatusCode::kUnset || !span.status_message.empty()) {
    auto status = writer.begin_nested(kSpanStatus, 1);
    if (!span.status_message.empty()) writer.write_string(kStatusMessage, span.status_message);
    if (span.status_code != otel::StatusCode::kUnset) {
      writer.write_varint(kStatusCode, static_cast<std::uint64_t>(span.status_code));
    }
    writer.end_nested(status);
  }
  writer.write_fixed32(
      kSpanFlags, span_flags(span.context.trace_flags.bits(), has_parent && span.parent_is_remote));
  writer.end_nested(message);
}

// Prefetching a batch ahead of the encoder. The worker encodes spans that another thread wrote
// long before, usually no longer in this core's caches, and each span is a chain of pointers:
// SpanData → its attribute and link arrays → each key's and value's text. Three stages, each
// reading only what the stage before brought in, turn those dependent misses into overlapped ones.
// Always inlined: GCC takes a function that only prefetches for one without effects and drops the
// call.
[[gnu::always_inline]] inline void prefetch_lines(const void* begin, std::size_t bytes) noexcept {
  const char* line = static_cast<const char*>(begin);
  for (std::size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(line + offset);
}
[[gnu::always_inline]] inline void prefetch_span(const otel::SpanData* span) noexcept {
  prefetch_lines(span, sizeof(otel::SpanData));
}
[[gnu::always_inline]] inline void prefetch_attribute_array(const otel::SpanData* span) noexcept {
  prefetch_lines(span->attributes.data(), span->attributes.size() * sizeof(otel::KeyValue));
  prefetch_lines(span->links.data(), span->links.size() * sizeof(otel::SpanLink));
  __builtin_prefetch(span->name.data());
}
[[gnu::always_inline]] inline void prefetch_attribute_text(const otel::SpanData* span) noexcept {
  for (const otel::KeyValue& attribute : span->attributes) {
    __builtin_prefetch(attribute.key.data());
    if (const auto* text = std::get_if<std::string>(&attribute.value)) {
      __builtin_prefetch(text->data());
    }
  }
}

}  // namespace

void encode_trace_request(const SpanGrouping& grouping, ProtobufWriter& writer,
                          SharedAttributeCache& cache) {
  const auto& spans = grouping.spans();
  grouping.for_each_resource([&](std::size_t begin, std::size_t end) {
    const otel::Resource* resource = spans[begin]->resource.get();
    auto resource_spans = writer.begin_nested(kRequestResourceSpans, 3);
    write_resource(writer, kResourceSpansResource, resource);
    grouping.for_each_scope(begin, end, [&](std::size_t scope_begin, std::size_t scope_end) {
      const otel::InstrumentationScope* scope = spans[scope_begin]->scope.get();
      auto scope_spans = writer.begin_nested(kResourceSpansScopeSpans, 3);
      write_scope(writer, kScopeSpansScope, scope);
      for (std::size_t i = scope_begin; i < scope_end; ++i) {
        if (i + 3 < spans.size()) prefetch_span(spans[i + 3]);
        if (i + 2 < spans.size()) prefetch_attribute_array(spans[i + 2]);
        if (i + 1 < spans.size()) prefetch_attribute_text(spans[i + 1]);
        write_span(writer, *spans[i], cache);
      }
      if (scope != nullptr && !scope->schema_url.empty()) {
        writer.write_string(kScopeSpansSchemaUrl, scope->schema_url);
      }
      writer.end_nested(scope_spans);
    });
    if (resource != nullptr && !resource->schema_url().empty()) {
      writer.write_string(kResourceSpansSchemaUrl, resource->schema_url());
    }
    writer.end_nested(resource_spans);
  });
}

}  // namespace kafkatrace::exporters::otlp
