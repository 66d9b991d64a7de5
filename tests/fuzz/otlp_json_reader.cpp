// decode_json: OTLP/JSON ExportTraceServiceRequest back into spans (see otlp_model.h), following
// the OTLP specification's JSON mapping: lowerCamelCase keys, ids as lower-case hex, 64-bit
// integers as decimal strings, enums as integers, doubles as numbers or "NaN" / "Infinity" /
// "-Infinity". The text itself is parsed by tests/unit/support/json_value.h.
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "kafkatrace/otel/resource.h"
#include "otlp_model.h"
#include "support/json_value.h"
#include "utf8_reference.h"

namespace kafkatrace::fuzz {
namespace {

using testing::JsonValue;
using Kind = JsonValue::Kind;

[[noreturn]] void reject(const std::string& what) {
  throw std::runtime_error("json: " + what);
}

// `value` must be an object with keys from `allowed` only, each at most once.
const JsonValue& object(const JsonValue& value, std::initializer_list<std::string_view> allowed,
                        const char* what) {
  if (value.kind != Kind::kObject) reject(std::string(what) + " is not an object");
  for (std::size_t i = 0; i < value.members.size(); ++i) {
    const std::string& key = value.members[i].first;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      reject(std::string(what) + ": unknown key " + key);
    for (std::size_t j = 0; j < i; ++j)
      if (value.members[j].first == key) reject(std::string(what) + ": repeated key " + key);
  }
  return value;
}

const JsonValue* find(const JsonValue& object, std::string_view key) {
  return object.has(key) ? &object[key] : nullptr;
}

std::string string_of(const JsonValue& value, const char* what) {
  if (value.kind != Kind::kString) reject(std::string(what) + " is not a string");
  if (!is_valid_utf8(value.text)) reject(std::string(what) + " is not UTF-8");
  return value.text;
}

// An optional string member; proto3 JSON omits empty strings.
std::string text(const JsonValue& object, std::string_view key) {
  const JsonValue* value = find(object, key);
  if (value == nullptr) return {};
  std::string result = string_of(*value, key.data());
  if (result.empty()) reject(std::string(key) + ": empty string written");
  return result;
}

template <typename T>
T parse_integer(std::string_view digits, const char* what) {
  T value{};
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size())
    reject(std::string(what) + ": bad integer '" + std::string(digits) + "'");
  return value;
}

// A JSON number member holding an unsigned integer (flags, kind, counts, status code).
std::uint64_t number(const JsonValue& object, std::string_view key, bool required) {
  const JsonValue* value = find(object, key);
  if (value == nullptr) {
    if (required) reject(std::string(key) + " missing");
    return 0;
  }
  if (value->kind != Kind::kNumber) reject(std::string(key) + " is not a number");
  const auto result = parse_integer<std::uint64_t>(value->text, key.data());
  if (result == 0 && !required) reject(std::string(key) + ": zero written");
  return result;
}

// A fixed64 time: a decimal string, omitted when zero.
std::uint64_t time(const JsonValue& object, std::string_view key) {
  const std::string digits = text(object, key);
  if (digits.empty()) return 0;
  const auto value = parse_integer<std::uint64_t>(digits, key.data());
  if (value == 0) reject(std::string(key) + ": zero written");
  return value;
}

std::uint32_t count(const JsonValue& object, std::string_view key) {
  const std::uint64_t value = number(object, key, false);
  if (value > UINT32_MAX) reject(std::string(key) + " above 32 bits");
  return static_cast<std::uint32_t>(value);
}

template <std::size_t N>
// An id of 2N lower-case hex digits; all zero only where `zero_ok`.
otel::Id<N> id(const JsonValue& object, std::string_view key, bool required, bool zero_ok = false) {
  const JsonValue* value = find(object, key);
  if (value == nullptr) {
    if (required) reject(std::string(key) + " missing");
    return otel::Id<N>{};
  }
  const auto parsed = otel::Id<N>::from_hex(string_of(*value, key.data()));
  if (!parsed || (!zero_ok && !parsed->is_valid()))
    reject(std::string(key) + ": bad id " + value->text);
  return *parsed;
}

double double_of(const JsonValue& value) {
  if (value.kind == Kind::kString) {
    if (value.text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (value.text == "Infinity") return std::numeric_limits<double>::infinity();
    if (value.text == "-Infinity") return -std::numeric_limits<double>::infinity();
    reject("doubleValue string " + value.text);
  }
  if (value.kind != Kind::kNumber) reject("doubleValue is not a number");
  const double result = parse_integer<double>(value.text, "doubleValue");
  if (!std::isfinite(result)) reject("doubleValue out of range");
  return result;
}

otel::AttributeValue any_value(const JsonValue& any, bool in_array) {
  object(any, {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue"}, "AnyValue");
  if (any.members.size() != 1)
    reject("AnyValue with " + std::to_string(any.members.size()) + " members");
  const auto& [key, value] = any.members[0];
  if (key == "stringValue") return string_of(value, "stringValue");
  if (key == "boolValue") {
    if (value.kind != Kind::kBool) reject("boolValue is not a bool");
    return value.boolean;
  }
  if (key == "intValue")
    return parse_integer<std::int64_t>(string_of(value, "intValue"), "intValue");
  if (key == "doubleValue") return double_of(value);
  if (in_array) reject("nested array");
  object(value, {"values"}, "ArrayValue");
  const JsonValue* values = find(value, "values");
  if (values == nullptr) return std::vector<bool>{};  // type unknowable; compare treats all alike
  if (values->kind != Kind::kArray || values->items.empty())
    reject("values: empty or not an array");
  std::vector<otel::AttributeValue> items;
  for (const JsonValue& item : values->items) items.push_back(any_value(item, true));
  const auto collect = [&](auto type_tag) {
    using T = decltype(type_tag);
    std::vector<T> result;
    for (const auto& item : items) {
      if (!std::holds_alternative<T>(item)) reject("mixed array");
      result.push_back(std::get<T>(item));
    }
    return otel::AttributeValue(std::move(result));
  };
  if (std::holds_alternative<bool>(items[0])) return collect(bool{});
  if (std::holds_alternative<std::int64_t>(items[0])) return collect(std::int64_t{});
  if (std::holds_alternative<double>(items[0])) return collect(double{});
  return collect(std::string{});
}

const std::vector<JsonValue>& array(const JsonValue& object, std::string_view key, bool required) {
  static const std::vector<JsonValue> kNone;
  const JsonValue* value = find(object, key);
  if (value == nullptr) {
    if (required) reject(std::string(key) + " missing");
    return kNone;
  }
  if (value->kind != Kind::kArray || value->items.empty())
    reject(std::string(key) + ": empty or not an array");
  return value->items;
}

otel::Attributes attributes(const JsonValue& object) {
  otel::Attributes result;
  for (const JsonValue& key_value : array(object, "attributes", false)) {
    ::kafkatrace::fuzz::object(key_value, {"key", "value"}, "KeyValue");
    if (!key_value.has("key") || !key_value.has("value")) reject("KeyValue incomplete");
    result.push_back({string_of(key_value["key"], "key"), any_value(key_value["value"], false)});
  }
  return result;
}

std::pair<otel::TraceFlags, bool> flags(const JsonValue& object) {
  const std::uint64_t value = number(object, "flags", true);
  if ((value & 0x100) == 0 || (value & ~std::uint64_t{0x3FF}) != 0)
    reject("flags " + std::to_string(value));
  return {otel::TraceFlags{static_cast<std::uint8_t>(value & 0xFF)}, (value & 0x200) != 0};
}

otel::TraceState trace_state(const JsonValue& object) {
  const std::string header = text(object, "traceState");
  const otel::TraceState state = otel::TraceState::parse(header);
  if (!header.empty() && state.to_header(SIZE_MAX) != header) reject("traceState not canonical");
  return state;
}

std::unique_ptr<otel::SpanData> span(const JsonValue& value) {
  object(value,
         {"traceId", "spanId", "traceState", "parentSpanId", "flags", "name", "kind",
          "startTimeUnixNano", "endTimeUnixNano", "attributes", "droppedAttributesCount", "events",
          "droppedEventsCount", "links", "droppedLinksCount", "status"},
         "Span");
  auto span = std::make_unique<otel::SpanData>();
  span->context.trace_id = id<16>(value, "traceId", true);
  span->context.span_id = id<8>(value, "spanId", true);
  span->context.trace_state = trace_state(value);
  span->parent_span_id = id<8>(value, "parentSpanId", false);
  std::tie(span->context.trace_flags, span->parent_is_remote) = flags(value);
  span->name = text(value, "name");
  const std::uint64_t kind = number(value, "kind", true);
  if (kind < 1 || kind > 5) reject("kind " + std::to_string(kind));
  span->kind = static_cast<otel::SpanKind>(kind);
  span->start_time_unix_nano = time(value, "startTimeUnixNano");
  span->end_time_unix_nano = time(value, "endTimeUnixNano");
  span->attributes = attributes(value);
  span->dropped_attributes_count = count(value, "droppedAttributesCount");
  for (const JsonValue& event_value : array(value, "events", false)) {
    object(event_value, {"timeUnixNano", "name", "attributes", "droppedAttributesCount"}, "Event");
    otel::SpanEvent& event = span->events.emplace_back();
    event.time_unix_nano = time(event_value, "timeUnixNano");
    event.name = text(event_value, "name");
    event.attributes = attributes(event_value);
    event.dropped_attributes_count = count(event_value, "droppedAttributesCount");
  }
  span->dropped_events_count = count(value, "droppedEventsCount");
  for (const JsonValue& link_value : array(value, "links", false)) {
    object(link_value,
           {"traceId", "spanId", "traceState", "attributes", "droppedAttributesCount", "flags"},
           "Link");
    otel::SpanLink& link = span->links.emplace_back();
    link.context.trace_id = id<16>(link_value, "traceId", true, true);
    link.context.span_id = id<8>(link_value, "spanId", true, true);
    link.context.trace_state = trace_state(link_value);
    link.attributes = attributes(link_value);
    link.dropped_attributes_count = count(link_value, "droppedAttributesCount");
    std::tie(link.context.trace_flags, link.context.is_remote) = flags(link_value);
  }
  span->dropped_links_count = count(value, "droppedLinksCount");
  if (const JsonValue* status = find(value, "status")) {
    object(*status, {"message", "code"}, "Status");
    if (status->members.empty()) reject("empty status written");
    span->status_message = text(*status, "message");
    const std::uint64_t code = number(*status, "code", false);
    if (code > 2) reject("status code " + std::to_string(code));
    span->status_code = static_cast<otel::StatusCode>(code);
  }
  return span;
}

}  // namespace

DecodedBatch decode_json(std::string_view text_in) {
  if (text_in.find('\n') != std::string_view::npos) reject("not one line");
  const JsonValue request = JsonValue::parse(text_in);
  object(request, {"resourceSpans"}, "ExportTraceServiceRequest");
  DecodedBatch batch;
  if (!request.has("resourceSpans") || request["resourceSpans"].kind != Kind::kArray)
    reject("resourceSpans missing");
  std::size_t scope_index = 0;
  const auto& groups = request["resourceSpans"].items;
  for (std::size_t r = 0; r < groups.size(); ++r) {
    const JsonValue& group =
        object(groups[r], {"resource", "scopeSpans", "schemaUrl"}, "ResourceSpans");
    std::shared_ptr<const otel::Resource> resource;
    if (const JsonValue* value = find(group, "resource")) {
      object(*value, {"attributes"}, "Resource");
      resource =
          std::make_shared<const otel::Resource>(attributes(*value), text(group, "schemaUrl"));
    } else if (group.has("schemaUrl")) {
      reject("schemaUrl without a resource");
    }
    for (const JsonValue& scope_group : array(group, "scopeSpans", true)) {
      object(scope_group, {"scope", "spans", "schemaUrl"}, "ScopeSpans");
      std::shared_ptr<const otel::InstrumentationScope> scope;
      if (const JsonValue* value = find(scope_group, "scope")) {
        object(*value, {"name", "version"}, "InstrumentationScope");
        scope = std::make_shared<const otel::InstrumentationScope>(otel::InstrumentationScope{
            text(*value, "name"), text(*value, "version"), text(scope_group, "schemaUrl")});
      } else if (scope_group.has("schemaUrl")) {
        reject("schemaUrl without a scope");
      }
      for (const JsonValue& span_value : array(scope_group, "spans", true)) {
        auto decoded = span(span_value);
        decoded->resource = resource;
        decoded->scope = scope;
        batch.spans.push_back(std::move(decoded));
        batch.resource_group.push_back(r);
        batch.scope_group.push_back(scope_index);
      }
      ++scope_index;
    }
  }
  return batch;
}

}  // namespace kafkatrace::fuzz
