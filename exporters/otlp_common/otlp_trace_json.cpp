// OTLP/JSON encoding of ExportTraceServiceRequest (see kafkatrace/exporters/otlp_encoding.h for
// the rules). Keys are the lowerCamelCase proto3 JSON names of the trace.proto fields; proto3
// defaults are omitted, as the protobuf encoder does.
#include <cstdint>
#include <type_traits>
#include <variant>

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

void write_scalar(JsonWriter& json, bool value) {
  json.key("boolValue");
  json.bool_value(value);
}
void write_scalar(JsonWriter& json, std::int64_t value) {
  json.key("intValue");
  json.int64_string_value(value);
}
void write_scalar(JsonWriter& json, double value) {
  json.key("doubleValue");
  json.double_value(value);
}
void write_scalar(JsonWriter& json, const std::string& value) {
  json.key("stringValue");
  json.string_value(value);
}

void write_any_value(JsonWriter& json, const otel::AttributeValue& value) {
  json.begin_object();
  std::visit(
      [&json](const auto& held) {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, std::vector<bool>> ||
                      std::is_same_v<T, std::vector<std::int64_t>> ||
                      std::is_same_v<T, std::vector<double>> ||
                      std::is_same_v<T, std::vector<std::string>>) {
          using Element = typename T::value_type;
          json.key("arrayValue");
          json.begin_object();
          if (!held.empty()) {
            json.key("values");
            json.begin_array();
            for (const auto& element : held) {
              json.begin_object();
              write_scalar(json, static_cast<Element>(element));
              json.end_object();
            }
            json.end_array();
          }
          json.end_object();
        } else {
          write_scalar(json, held);
        }
      },
      value);
  json.end_object();
}

void write_attributes(JsonWriter& json, const otel::Attributes& attributes) {
  if (attributes.empty()) return;
  json.key("attributes");
  json.begin_array();
  for (const auto& attribute : attributes) {
    json.begin_object();
    json.key("key");
    json.string_value(attribute.key);
    json.key("value");
    write_any_value(json, attribute.value);
    json.end_object();
  }
  json.end_array();
}

void write_count(JsonWriter& json, std::string_view name, std::uint32_t count) {
  if (count == 0) return;
  json.key(name);
  json.uint_value(count);
}

void write_string(JsonWriter& json, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  json.key(name);
  json.string_value(value);
}

void write_time(JsonWriter& json, std::string_view name, std::uint64_t time) {
  if (time == 0) return;
  json.key(name);
  json.uint64_string_value(time);
}

void write_trace_state(JsonWriter& json, const otel::TraceState& state) {
  if (!state.empty()) write_string(json, "traceState", state.to_header(SIZE_MAX));
}

void write_flags(JsonWriter& json, std::uint32_t flags) {
  json.key("flags");
  json.uint_value(flags);
}

void write_span(JsonWriter& json, const otel::SpanData& span) {
  json.begin_object();
  write_id(json, "traceId", span.context.trace_id);
  write_id(json, "spanId", span.context.span_id);
  write_trace_state(json, span.context.trace_state);
  const bool has_parent = span.parent_span_id.is_valid();
  if (has_parent) write_id(json, "parentSpanId", span.parent_span_id);
  write_flags(json,
              span_flags(span.context.trace_flags.bits(), has_parent && span.parent_is_remote));
  write_string(json, "name", span.name);
  json.key("kind");
  json.uint_value(static_cast<std::uint64_t>(span.kind));
  write_time(json, "startTimeUnixNano", span.start_time_unix_nano);
  write_time(json, "endTimeUnixNano", span.end_time_unix_nano);
  write_attributes(json, span.attributes);
  write_count(json, "droppedAttributesCount", span.dropped_attributes_count);
  if (!span.events.empty()) {
    json.key("events");
    json.begin_array();
    for (const auto& event : span.events) {
      json.begin_object();
      write_time(json, "timeUnixNano", event.time_unix_nano);
      write_string(json, "name", event.name);
      write_attributes(json, event.attributes);
      write_count(json, "droppedAttributesCount", event.dropped_attributes_count);
      json.end_object();
    }
    json.end_array();
  }
  write_count(json, "droppedEventsCount", span.dropped_events_count);
  if (!span.links.empty()) {
    json.key("links");
    json.begin_array();
    for (const auto& link : span.links) {
      json.begin_object();
      write_id(json, "traceId", link.context.trace_id);
      write_id(json, "spanId", link.context.span_id);
      write_trace_state(json, link.context.trace_state);
      write_attributes(json, link.attributes);
      write_count(json, "droppedAttributesCount", link.dropped_attributes_count);
      write_flags(json, span_flags(link.context.trace_flags.bits(), link.context.is_remote));
      json.end_object();
    }
    json.end_array();
  }
  write_count(json, "droppedLinksCount", span.dropped_links_count);
  if (span.status_code != otel::StatusCode::kUnset || !span.status_message.empty()) {
    json.key("status");
    json.begin_object();
    write_string(json, "message", span.status_message);
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
  json.begin_object();
  json.key("resourceSpans");
  json.begin_array();
  grouping.for_each_resource([&](std::size_t begin, std::size_t end) {
    const otel::Resource* resource = spans[begin]->resource.get();
    json.begin_object();
    if (resource != nullptr) {
      json.key("resource");
      json.begin_object();
      write_attributes(json, resource->attributes());
      json.end_object();
    }
    json.key("scopeSpans");
    json.begin_array();
    grouping.for_each_scope(begin, end, [&](std::size_t scope_begin, std::size_t scope_end) {
      const otel::InstrumentationScope* scope = spans[scope_begin]->scope.get();
      json.begin_object();
      if (scope != nullptr) {
        json.key("scope");
        json.begin_object();
        write_string(json, "name", scope->name);
        write_string(json, "version", scope->version);
        json.end_object();
      }
      json.key("spans");
      json.begin_array();
      for (std::size_t i = scope_begin; i < scope_end; ++i) write_span(json, *spans[i]);
      json.end_array();
      if (scope != nullptr) write_string(json, "schemaUrl", scope->schema_url);
      json.end_object();
    });
    json.end_array();
    if (resource != nullptr) write_string(json, "schemaUrl", resource->schema_url());
    json.end_object();
  });
  json.end_array();
  json.end_object();
}

}  // namespace kafkatrace::exporters::otlp
