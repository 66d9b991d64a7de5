// OTLP/JSON encoding of ExportTraceServiceRequest (see kafkatrace/exporters/otlp_encoding.h for
// the rules). Keys are the lowerCamelCase proto3 JSON names of the trace.proto fields; proto3
// defaults are omitted, as the protobuf encoder does.
#include <cstdint>

#include "otlp_common/otlp_json_common.h"
#include "otlp_common/otlp_trace_proto.h"

namespace kafkatrace::exporters::otlp {
namespace {

template <std::size_t N>
void write_id(JsonWriter& json, std::string_view name, const otel::Id<N>& id) {
  char hex[otel::Id<N>::kHexSize];
  id.to_hex(hex);
  json.key(name);
  json.raw_string_value(std::string_view(hex, sizeof(hex)));
}

void write_trace_state(JsonWriter& json, const otel::TraceState& state) {
  if (!state.empty()) write_json_string(json, "traceState", state.to_header(SIZE_MAX));
}

void write_flags(JsonWriter& json, std::uint32_t flags) {
  json.key("flags");
  json.uint_value(flags);
}

void write_span(JsonWriter& json, const otel::SpanData& span, otel::Attributes& buffer) {
  json.begin_object();
  write_id(json, "traceId", span.context.trace_id);
  write_id(json, "spanId", span.context.span_id);
  write_trace_state(json, span.context.trace_state);
  const bool has_parent = span.parent_span_id.is_valid();
  if (has_parent) write_id(json, "parentSpanId", span.parent_span_id);
  write_flags(json,
              span_flags(span.context.trace_flags.bits(), has_parent && span.parent_is_remote));
  write_json_string(json, "name", span.name);
  json.key("kind");
  json.uint_value(static_cast<std::uint64_t>(span.kind));
  write_json_time(json, "startTimeUnixNano", span.start_time_unix_nano);
  write_json_time(json, "endTimeUnixNano", span.end_time_unix_nano);
  write_json_attributes(json, otel::all_attributes(span, buffer));
  write_json_count(json, "droppedAttributesCount", span.dropped_attributes_count);
  if (!span.events.empty()) {
    json.key("events");
    json.begin_array();
    for (const auto& event : span.events) {
      json.begin_object();
      write_json_time(json, "timeUnixNano", event.time_unix_nano);
      write_json_string(json, "name", event.name);
      write_json_attributes(json, event.attributes);
      write_json_count(json, "droppedAttributesCount", event.dropped_attributes_count);
      json.end_object();
    }
    json.end_array();
  }
  write_json_count(json, "droppedEventsCount", span.dropped_events_count);
  if (!span.links.empty()) {
    json.key("links");
    json.begin_array();
    for (const auto& link : span.links) {
      json.begin_object();
      write_id(json, "traceId", link.context.trace_id);
      write_id(json, "spanId", link.context.span_id);
      write_trace_state(json, link.context.trace_state);
      write_json_attributes(json, link.attributes);
      write_json_count(json, "droppedAttributesCount", link.dropped_attributes_count);
      write_flags(json, span_flags(link.context.trace_flags.bits(), link.context.is_remote));
      json.end_object();
    }
    json.end_array();
  }
  write_json_count(json, "droppedLinksCount", span.dropped_links_count);
  if (span.status_code != otel::StatusCode::kUnset || !span.status_message.empty()) {
    json.key("status");
    json.begin_object();
    write_json_string(json, "message", span.status_message);
    if (span.status_code != otel::StatusCode::kUnset) {
      json.key("code");
      json.uint_value(static_cast<std::uint64_t>(span.status_code));
    }
    json.end_object();
  }
  json.end_object();
}

}  // namespace

void encode_trace_request(const SpanGrouping& grouping, JsonWriter& json) {
  const auto& spans = grouping.spans();
  otel::Attributes buffer;  // for spans with shared attributes
  json.begin_object();
  json.key("resourceSpans");
  json.begin_array();
  grouping.for_each_resource([&](std::size_t begin, std::size_t end) {
    const otel::Resource* resource = spans[begin]->resource.get();
    json.begin_object();
    write_json_resource(json, resource);
    json.key("scopeSpans");
    json.begin_array();
    grouping.for_each_scope(begin, end, [&](std::size_t scope_begin, std::size_t scope_end) {
      const otel::InstrumentationScope* scope = spans[scope_begin]->scope.get();
      json.begin_object();
      write_json_scope(json, scope);
      json.key("spans");
      json.begin_array();
      for (std::size_t i = scope_begin; i < scope_end; ++i) write_span(json, *spans[i], buffer);
      json.end_array();
      if (scope != nullptr) write_json_string(json, "schemaUrl", scope->schema_url);
      json.end_object();
    });
    json.end_array();
    if (resource != nullptr) write_json_string(json, "schemaUrl", resource->schema_url());
    json.end_object();
  });
  json.end_array();
  json.end_object();
}

}  // namespace kafkatrace::exporters::otlp
