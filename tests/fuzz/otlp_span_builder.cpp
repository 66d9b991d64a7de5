// build_spans: a batch of spans from fuzz bytes (see otlp_model.h).
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/trace_state.h"
#include "otlp_model.h"

namespace kafkatrace::fuzz {
namespace {

using otel::AttributeValue;

template <typename T>
T read_scalar(FuzzInput& input) {
  if constexpr (std::is_same_v<T, bool>) {
    return input.boolean();
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return input.integral<std::int64_t>();
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<double>(input.integral<std::uint64_t>());  // NaN payloads, -0, inf
  } else {
    return input.string(24);
  }
}

template <typename T>
std::vector<T> read_array(FuzzInput& input) {
  std::vector<T> values(input.small(4));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = read_scalar<T>(input);
  return values;
}

AttributeValue read_value(FuzzInput& input) {
  switch (input.small(7)) {
    case 0: return read_scalar<bool>(input);
    case 1: return read_scalar<std::int64_t>(input);
    case 2: return read_scalar<double>(input);
    case 3: return read_scalar<std::string>(input);
    case 4: return read_array<bool>(input);
    case 5: return read_array<std::int64_t>(input);
    case 6: return read_array<double>(input);
    default: return read_array<std::string>(input);
  }
}

otel::Attributes read_attributes(FuzzInput& input, std::size_t max) {
  otel::Attributes attributes(input.small(max));
  for (auto& attribute : attributes) {
    attribute.key = input.string(16);
    attribute.value = read_value(input);
  }
  return attributes;
}

std::uint32_t read_count(FuzzInput& input) {
  return input.boolean() ? input.integral<std::uint32_t>() : 0;
}

template <std::size_t N>
otel::Id<N> read_id(FuzzInput& input) {
  std::array<std::uint8_t, N> bytes{};
  for (auto& byte : bytes) byte = input.byte();
  return otel::Id<N>{bytes};
}

// A span's own ids are always valid (the SDK never ends a span without them); a link's may be
// all zero (links to invalid contexts are recorded when they carry attributes or a tracestate).
otel::SpanContext read_context(FuzzInput& input, bool valid_ids) {
  otel::SpanContext context;
  context.trace_id = read_id<16>(input);
  context.span_id = read_id<8>(input);
  if (valid_ids && !context.trace_id.is_valid()) context.trace_id = otel::TraceId{{1}};
  if (valid_ids && !context.span_id.is_valid()) context.span_id = otel::SpanId{{1}};
  context.trace_flags = otel::TraceFlags{input.byte()};
  context.is_remote = input.boolean();
  context.trace_state = otel::TraceState::parse(input.string(64));
  return context;
}

}  // namespace

SpanList build_spans(FuzzInput& input) {
  std::vector<std::shared_ptr<const otel::Resource>> resources(input.small(2));
  for (auto& resource : resources) {
    auto attributes = read_attributes(input, 4);
    resource = std::make_shared<const otel::Resource>(std::move(attributes), input.string(16));
  }
  std::vector<std::shared_ptr<const otel::InstrumentationScope>> scopes(input.small(2));
  for (auto& scope : scopes) {
    otel::InstrumentationScope made;
    made.name = input.string(16);
    made.version = input.string(8);
    made.schema_url = input.string(16);
    scope = std::make_shared<const otel::InstrumentationScope>(std::move(made));
  }

  SpanList spans(input.small(6));
  for (auto& span : spans) {
    span = std::make_unique<otel::SpanData>();
    // Index == size picks null: spans without a resource or scope are encoded too.
    if (const std::size_t pick = input.small(resources.size()); pick < resources.size())
      span->resource = resources[pick];
    if (const std::size_t pick = input.small(scopes.size()); pick < scopes.size())
      span->scope = scopes[pick];
    span->context = read_context(input, true);
    if (input.boolean()) span->parent_span_id = read_id<8>(input);
    span->parent_is_remote = input.boolean();
    span->name = input.string(32);
    span->kind = static_cast<otel::SpanKind>(1 + input.small(4));
    span->start_time_unix_nano = input.boolean() ? input.integral<std::uint64_t>() : 0;
    span->end_time_unix_nano = input.boolean() ? input.integral<std::uint64_t>() : 0;
    span->attributes = read_attributes(input, 6);
    span->dropped_attributes_count = read_count(input);
    span->events.resize(input.small(3));
    for (auto& event : span->events) {
      event.name = input.string(16);
      event.time_unix_nano = input.boolean() ? input.integral<std::uint64_t>() : 0;
      event.attributes = read_attributes(input, 3);
      event.dropped_attributes_count = read_count(input);
    }
    span->dropped_events_count = read_count(input);
    span->links.resize(input.small(3));
    for (auto& link : span->links) {
      link.context = read_context(input, false);
      link.attributes = read_attributes(input, 3);
      link.dropped_attributes_count = read_count(input);
    }
    span->dropped_links_count = read_count(input);
    span->status_code = static_cast<otel::StatusCode>(input.small(2));
    span->status_message = input.string(32);
  }
  return spans;
}

}  // namespace kafkatrace::fuzz
