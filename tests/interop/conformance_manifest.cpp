#include "conformance_manifest.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <variant>

namespace kafkatrace::interop {
namespace {

// A deliberately different escaping scheme from the exporters' JSON writer: every byte below
// 0x20, DEL, '"' and '\\' becomes \u00XX; everything else (UTF-8 included) is copied.
void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '"' || c == '\\') {
      out.append("\\u00");
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_key(std::string& out, std::string_view key) {
  append_string(out, key);
  out.push_back(':');
}

void append_number(std::string& out, std::uint64_t value) {
  out.append(std::to_string(value));
}

void append_decimal_string(std::string& out, std::string_view digits) {
  out.push_back('"');
  out.append(digits);
  out.push_back('"');
}

void append_double(std::string& out, double value) {
  if (std::isnan(value)) return out.append("\"NaN\""), void();
  if (std::isinf(value)) return out.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\""), void();
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", value);
  out.append(text);
}

void append_scalar(std::string& out, bool value) {
  out.append(value ? "true" : "false");
}
void append_scalar(std::string& out, std::int64_t value) {
  append_decimal_string(out, std::to_string(value));
}
void append_scalar(std::string& out, double value) {
  append_double(out, value);
}
void append_scalar(std::string& out, const std::string& value) {
  append_string(out, value);
}

template <typename T>
std::string_view type_name() {
  if constexpr (std::is_same_v<T, bool>) return "bool";
  if constexpr (std::is_same_v<T, std::int64_t>) return "int";
  if constexpr (std::is_same_v<T, double>) return "double";
  if constexpr (std::is_same_v<T, std::string>) return "string";
}

void append_attributes(std::string& out, const otel::Attributes& attributes) {
  out.push_back('[');
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.push_back('{');
    append_key(out, "key");
    append_string(out, attributes[i].key);
    std::visit(
        [&out](const auto& value) {
          using V = std::decay_t<decltype(value)>;
          out.append(",\"type\":\"");
          if constexpr (requires { typename V::value_type; } && !std::is_same_v<V, std::string>) {
            using Element = typename V::value_type;
            out.append(type_name<Element>());
            out.append("[]\",\"value\":[");
            bool first = true;
            for (const auto& element : value) {
              if (!first) out.push_back(',');
              first = false;
              append_scalar(out, static_cast<Element>(element));
            }
            out.push_back(']');
          } else {
            out.append(type_name<V>());
            out.append("\",\"value\":");
            append_scalar(out, value);
          }
        },
        attributes[i].value);
    out.push_back('}');
  }
  out.push_back(']');
}

void append_span(std::string& out, const ExpectedSpan& expected) {
  const otel::SpanData& span = expected.data;
  const bool has_parent = span.parent_span_id.is_valid();
  out.append("{\"scope\":");
  append_number(out, expected.scope);
  out.append(",\"traceId\":");
  append_string(out, span.context.trace_id.to_hex());
  out.append(",\"spanId\":");
  append_string(out, span.context.span_id.to_hex());
  out.append(",\"parentSpanId\":");
  append_string(out, has_parent ? span.parent_span_id.to_hex() : std::string());
  out.append(",\"parentIsRemote\":");
  append_scalar(out, has_parent && span.parent_is_remote);
  out.append(",\"traceState\":");
  append_string(out, span.context.trace_state.to_header(SIZE_MAX));
  out.append(",\"flags\":");
  append_number(
      out, expected_flags(span.context.trace_flags.bits(), has_parent && span.parent_is_remote));
  out.append(",\"name\":");
  append_string(out, span.name);
  out.append(",\"kind\":");
  append_number(out, static_cast<std::uint64_t>(span.kind));
  out.append(",\"startTimeUnixNano\":");
  append_decimal_string(out, std::to_string(span.start_time_unix_nano));
  out.append(",\"endTimeUnixNano\":");
  append_decimal_string(out, std::to_string(span.end_time_unix_nano));
  out.append(",\"attributes\":");
  append_attributes(out, span.attributes);
  out.append(",\"droppedAttributesCount\":");
  append_number(out, span.dropped_attributes_count);
  out.append(",\"events\":[");
  for (std::size_t i = 0; i < span.events.size(); ++i) {
    const auto& event = span.events[i];
    out.append(i == 0 ? "{\"name\":" : ",{\"name\":");
    append_string(out, event.name);
    out.append(",\"timeUnixNano\":");
    append_decimal_string(out, std::to_string(event.time_unix_nano));
    out.append(",\"attributes\":");
    append_attributes(out, event.attributes);
    out.append(",\"droppedAttributesCount\":");
    append_number(out, event.dropped_attributes_count);
    out.push_back('}');
  }
  out.append("],\"droppedEventsCount\":");
  append_number(out, span.dropped_events_count);
  out.append(",\"links\":[");
  for (std::size_t i = 0; i < span.links.size(); ++i) {
    const auto& link = span.links[i];
    out.append(i == 0 ? "{\"traceId\":" : ",{\"traceId\":");
    append_string(out, link.context.trace_id.to_hex());
    out.append(",\"spanId\":");
    append_string(out, link.context.span_id.to_hex());
    out.append(",\"traceState\":");
    append_string(out, link.context.trace_state.to_header(SIZE_MAX));
    out.append(",\"flags\":");
    append_number(out, expected_flags(link.context.trace_flags.bits(), link.context.is_remote));
    out.append(",\"attributes\":");
    append_attributes(out, link.attributes);
    out.append(",\"droppedAttributesCount\":");
    append_number(out, link.dropped_attributes_count);
    out.push_back('}');
  }
  out.append("],\"droppedLinksCount\":");
  append_number(out, span.dropped_links_count);
  out.append(",\"status\":{\"code\":");
  append_number(out, static_cast<std::uint64_t>(span.status_code));
  out.append(",\"message\":");
  append_string(out, span.status_message);
  out.append("}}");
}

}  // namespace

std::uint32_t expected_flags(std::uint8_t trace_flags, bool remote) {
  return std::uint32_t{trace_flags} | 0x100U | (remote ? 0x200U : 0U);
}

std::string manifest_to_json(const Manifest& manifest) {
  std::string out = "{\"format\":\"kafkatrace-conformance-manifest/1\",\"expectedRequests\":";
  append_number(out, manifest.expected_requests);
  out.append(",\n\"resource\":{\"attributes\":");
  append_attributes(out, manifest.resource.attributes());
  out.append(",\"schemaUrl\":");
  append_string(out, manifest.resource.schema_url());
  out.append("},\n\"scopes\":[");
  for (std::size_t i = 0; i < manifest.scopes.size(); ++i) {
    const auto& scope = manifest.scopes[i];
    out.append(i == 0 ? "{\"name\":" : ",{\"name\":");
    append_string(out, scope.name);
    out.append(",\"version\":");
    append_string(out, scope.version);
    out.append(",\"schemaUrl\":");
    append_string(out, scope.schema_url);
    out.push_back('}');
  }
  out.append("],\n\"spans\":[");
  for (std::size_t i = 0; i < manifest.spans.size(); ++i) {
    out.append(i == 0 ? "\n" : ",\n");
    append_span(out, manifest.spans[i]);
  }
  out.append("]}\n");
  return out;
}

}  // namespace kafkatrace::interop
