// decode_protobuf: ExportTraceServiceRequest bytes back into spans (see otlp_model.h), with the
// field numbers and types of opentelemetry-proto (collector/trace/v1/trace_service.proto,
// trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto). The wire format
// itself is parsed by tests/unit/support/protobuf_decoder.h.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kafkatrace/otel/resource.h"
#include "otlp_model.h"
#include "support/protobuf_decoder.h"
#include "utf8_reference.h"

namespace kafkatrace::fuzz {
namespace {

using testing::ProtoField;
using testing::ProtoMessage;

[[noreturn]] void reject(const std::string& what) {
  throw std::runtime_error("protobuf: " + what);
}

// Checks every field of `message` against `allowed` (number, wire type) and that fields come in
// ascending number order, as canonical encoders write them.
void check_layout(const ProtoMessage& message, std::initializer_list<std::pair<int, int>> allowed,
                  const char* what) {
  std::uint32_t previous = 0;
  for (const ProtoField& field : message.fields()) {
    const auto known = std::find_if(allowed.begin(), allowed.end(), [&](const auto& entry) {
      return static_cast<std::uint32_t>(entry.first) == field.number;
    });
    if (known == allowed.end())
      reject(std::string(what) + ": unknown field " + std::to_string(field.number));
    if (static_cast<std::uint32_t>(known->second) != field.wire_type)
      reject(std::string(what) + ": wrong wire type for field " + std::to_string(field.number));
    if (field.number < previous) reject(std::string(what) + ": fields out of order");
    previous = field.number;
  }
}

// A singular non-oneof field: present at most once, never holding its proto3 default.
const ProtoField* singular(const ProtoMessage& message, std::uint32_t number, const char* what) {
  const ProtoField* found = nullptr;
  for (const ProtoField& field : message.fields()) {
    if (field.number != number) continue;
    if (found != nullptr) reject(std::string(what) + ": repeated singular field");
    found = &field;
  }
  if (found != nullptr) {
    const bool is_default = found->wire_type == 2 ? found->bytes.empty() : found->scalar == 0;
    if (is_default)
      reject(std::string(what) + ": default value written for field " + std::to_string(number));
  }
  return found;
}

std::string text(const ProtoMessage& message, std::uint32_t number, const char* what) {
  const ProtoField* field = singular(message, number, what);
  if (field == nullptr) return {};
  if (!is_valid_utf8(field->bytes)) reject(std::string(what) + ": string is not UTF-8");
  return field->str();
}

std::uint64_t scalar(const ProtoMessage& message, std::uint32_t number, const char* what) {
  const ProtoField* field = singular(message, number, what);
  return field == nullptr ? 0 : field->scalar;
}

template <std::size_t N>
// An id of exactly N bytes; all zero only where `zero_ok` (links may point at invalid contexts).
otel::Id<N> id(const ProtoMessage& message, std::uint32_t number, bool required,
               bool zero_ok = false) {
  std::array<std::uint8_t, N> bytes{};
  const auto fields = message.all(number);
  if (fields.size() > 1 || (required && fields.empty())) reject("id field count");
  if (fields.empty()) return otel::Id<N>{bytes};
  if (fields[0].bytes.size() != N)
    reject("id of " + std::to_string(fields[0].bytes.size()) + " bytes");
  std::memcpy(bytes.data(), fields[0].bytes.data(), N);
  if (!zero_ok && !otel::Id<N>{bytes}.is_valid()) reject("all-zero id written");
  return otel::Id<N>{bytes};
}

// AnyValue: exactly one oneof member (1 string, 2 bool, 3 int, 4 double, 5 array).
otel::AttributeValue any_value(const ProtoMessage& any, bool in_array) {
  check_layout(any, {{1, 2}, {2, 0}, {3, 0}, {4, 1}, {5, 2}}, "AnyValue");
  if (any.fields().size() != 1)
    reject("AnyValue with " + std::to_string(any.fields().size()) + " members");
  const ProtoField& field = any.fields()[0];
  switch (field.number) {
    case 1:
      if (!is_valid_utf8(field.bytes)) reject("AnyValue string is not UTF-8");
      return field.str();
    case 2:
      if (field.scalar > 1) reject("bool above 1");
      return field.scalar == 1;
    case 3: return field.as_int64();
    case 4: return field.as_double();
    default: break;
  }
  if (in_array) reject("nested array");
  const ProtoMessage array(field.bytes);
  check_layout(array, {{1, 2}}, "ArrayValue");
  std::vector<otel::AttributeValue> items;
  for (const ProtoMessage& element : array.messages(1)) items.push_back(any_value(element, true));
  if (items.empty()) return std::vector<bool>{};  // type unknowable; compare treats all alike
  const auto collect = [&](auto type_tag) {
    using T = decltype(type_tag);
    std::vector<T> values;
    for (const auto& item : items) {
      if (!std::holds_alternative<T>(item)) reject("mixed array");
      values.push_back(std::get<T>(item));
    }
    return otel::AttributeValue(std::move(values));
  };
  if (std::holds_alternative<bool>(items[0])) return collect(bool{});
  if (std::holds_alternative<std::int64_t>(items[0])) return collect(std::int64_t{});
  if (std::holds_alternative<double>(items[0])) return collect(double{});
  return collect(std::string{});
}

otel::Attributes attributes(const ProtoMessage& message, std::uint32_t number) {
  otel::Attributes result;
  for (const ProtoMessage& key_value : message.messages(number)) {
    check_layout(key_value, {{1, 2}, {2, 2}}, "KeyValue");
    if (key_value.count(2) != 1) reject("KeyValue without exactly one value");
    result.push_back({text(key_value, 1, "KeyValue"), any_value(key_value.message(2), false)});
  }
  return result;
}

std::uint32_t count(const ProtoMessage& message, std::uint32_t number, const char* what) {
  const std::uint64_t value = scalar(message, number, what);
  if (value > UINT32_MAX) reject(std::string(what) + ": count above 32 bits");
  return static_cast<std::uint32_t>(value);
}

// Span.flags / Link.flags: trace flags in bits 0-7, 0x100 "has is_remote", 0x200 "is_remote".
std::pair<otel::TraceFlags, bool> flags(const ProtoMessage& message, std::uint32_t number) {
  if (message.count(number) != 1) reject("flags missing");
  const auto value = static_cast<std::uint32_t>(message.get(number).scalar);
  if ((value & 0x100) == 0 || (value & ~0x3FFU) != 0) reject("flags " + std::to_string(value));
  return {otel::TraceFlags{static_cast<std::uint8_t>(value & 0xFF)}, (value & 0x200) != 0};
}

otel::TraceState trace_state(const ProtoMessage& message, std::uint32_t number) {
  const std::string header = text(message, number, "trace_state");
  const otel::TraceState state = otel::TraceState::parse(header);
  if (!header.empty() && state.to_header(SIZE_MAX) != header) reject("tracestate not canonical");
  return state;
}

std::unique_ptr<otel::SpanData> span(const ProtoMessage& message) {
  check_layout(message,
               {{1, 2},
                {2, 2},
                {3, 2},
                {4, 2},
                {5, 2},
                {6, 0},
                {7, 1},
                {8, 1},
                {9, 2},
                {10, 0},
                {11, 2},
                {12, 0},
                {13, 2},
                {14, 0},
                {15, 2},
                {16, 5}},
               "Span");
  auto span = std::make_unique<otel::SpanData>();
  span->context.trace_id = id<16>(message, 1, true);
  span->context.span_id = id<8>(message, 2, true);
  span->context.trace_state = trace_state(message, 3);
  span->parent_span_id = id<8>(message, 4, false);
  span->name = text(message, 5, "Span.name");
  const std::uint64_t kind = scalar(message, 6, "Span.kind");
  if (kind < 1 || kind > 5) reject("Span.kind " + std::to_string(kind));
  span->kind = static_cast<otel::SpanKind>(kind);
  span->start_time_unix_nano = scalar(message, 7, "Span.start_time");
  span->end_time_unix_nano = scalar(message, 8, "Span.end_time");
  span->attributes = attributes(message, 9);
  span->dropped_attributes_count = count(message, 10, "Span");
  for (const ProtoMessage& event_message : message.messages(11)) {
    check_layout(event_message, {{1, 1}, {2, 2}, {3, 2}, {4, 0}}, "Event");
    otel::SpanEvent& event = span->events.emplace_back();
    event.time_unix_nano = scalar(event_message, 1, "Event.time");
    event.name = text(event_message, 2, "Event.name");
    event.attributes = attributes(event_message, 3);
    event.dropped_attributes_count = count(event_message, 4, "Event");
  }
  span->dropped_events_count = count(message, 12, "Span");
  for (const ProtoMessage& link_message : message.messages(13)) {
    check_layout(link_message, {{1, 2}, {2, 2}, {3, 2}, {4, 2}, {5, 0}, {6, 5}}, "Link");
    otel::SpanLink& link = span->links.emplace_back();
    link.context.trace_id = id<16>(link_message, 1, true, true);
    link.context.span_id = id<8>(link_message, 2, true, true);
    link.context.trace_state = trace_state(link_message, 3);
    link.attributes = attributes(link_message, 4);
    link.dropped_attributes_count = count(link_message, 5, "Link");
    std::tie(link.context.trace_flags, link.context.is_remote) = flags(link_message, 6);
  }
  span->dropped_links_count = count(message, 14, "Span");
  if (message.has(15)) {
    const ProtoMessage status = message.message(15);
    check_layout(status, {{2, 2}, {3, 0}}, "Status");
    span->status_message = text(status, 2, "Status.message");
    const std::uint64_t code = scalar(status, 3, "Status.code");
    if (code > 2) reject("Status.code " + std::to_string(code));
    span->status_code = static_cast<otel::StatusCode>(code);
  }
  std::tie(span->context.trace_flags, span->parent_is_remote) = flags(message, 16);
  return span;
}

}  // namespace

DecodedBatch decode_protobuf(std::string_view bytes) {
  DecodedBatch batch;
  const ProtoMessage request(bytes);
  check_layout(request, {{1, 2}}, "ExportTraceServiceRequest");
  std::size_t scope_index = 0;
  const auto resource_spans = request.messages(1);
  for (std::size_t r = 0; r < resource_spans.size(); ++r) {
    const ProtoMessage& group = resource_spans[r];
    check_layout(group, {{1, 2}, {2, 2}, {3, 2}}, "ResourceSpans");
    std::shared_ptr<const otel::Resource> resource;
    if (group.count(1) > 1) reject("two resources");
    if (group.has(1)) {
      const ProtoMessage message = group.message(1);
      check_layout(message, {{1, 2}, {2, 0}}, "Resource");
      if (message.has(2)) reject("Resource.dropped_attributes_count written");
      resource = std::make_shared<const otel::Resource>(attributes(message, 1),
                                                        text(group, 3, "ResourceSpans.schema_url"));
    } else if (group.has(3)) {
      reject("schema_url without a resource");
    }
    if (!group.has(2)) reject("ResourceSpans without ScopeSpans");
    for (const ProtoMessage& scope_group : group.messages(2)) {
      check_layout(scope_group, {{1, 2}, {2, 2}, {3, 2}}, "ScopeSpans");
      std::shared_ptr<const otel::InstrumentationScope> scope;
      if (scope_group.count(1) > 1) reject("two scopes");
      if (scope_group.has(1)) {
        const ProtoMessage message = scope_group.message(1);
        check_layout(message, {{1, 2}, {2, 2}}, "InstrumentationScope");
        scope = std::make_shared<const otel::InstrumentationScope>(otel::InstrumentationScope{
            text(message, 1, "Scope.name"), text(message, 2, "Scope.version"),
            text(scope_group, 3, "ScopeSpans.schema_url")});
      } else if (scope_group.has(3)) {
        reject("schema_url without a scope");
      }
      if (!scope_group.has(2)) reject("ScopeSpans without spans");
      for (const ProtoMessage& span_message : scope_group.messages(2)) {
        auto decoded = span(span_message);
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
