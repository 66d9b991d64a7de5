#include "conformance_recorder.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <type_traits>
#include <utility>
#include <variant>

namespace kafkatrace::interop {
namespace {

using Clock = std::chrono::system_clock;
static_assert(std::is_same_v<Clock::duration, std::chrono::nanoseconds>,
              "explicit span times need a nanosecond system_clock");

// The API takes attribute lists only as std::initializer_list<SpanAttribute>; these helpers
// build one from a vector (up to kMaxListSize entries) with a compile-time index sequence.
constexpr std::size_t kMaxListSize = 8;

otel::AttributeArg to_arg(const otel::AttributeValue& value) {
  return std::visit([](const auto& held) { return otel::AttributeArg(held); }, value);
}

template <typename F, std::size_t... I>
void call_with_list(const otel::Attributes& attributes, F& f, std::index_sequence<I...>) {
  f({otel::SpanAttribute{attributes[I].key, to_arg(attributes[I].value)}...});
}

template <std::size_t N = 0, typename F>
void with_list(const otel::Attributes& attributes, F&& f) {
  if constexpr (N > kMaxListSize) {
    std::abort();  // a scenario bug: raise kMaxListSize
  } else {
    if (attributes.size() == N) return call_with_list(attributes, f, std::make_index_sequence<N>{});
    with_list<N + 1>(attributes, std::forward<F>(f));
  }
}

void put(otel::Attributes& list, std::string_view key, otel::AttributeValue value) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& kv) { return kv.key == key; });
  if (it != list.end()) {
    it->value = std::move(value);  // the specification: setting an existing key replaces it
  } else {
    list.push_back({std::string(key), std::move(value)});
  }
}

}  // namespace

Clock::time_point at(std::uint64_t offset) {
  return Clock::time_point(std::chrono::nanoseconds(kBaseUnixNano + offset));
}

Recorder::Recorder(otel::TracerProvider& provider) : provider_(provider) {}

std::size_t Recorder::add_tracer(std::string name, std::string version, std::string schema_url) {
  tracers_.push_back(provider_.get_tracer(name, version, schema_url));
  scopes_.push_back({std::move(name), std::move(version), std::move(schema_url)});
  return scopes_.size() - 1;
}

Recorder::Handle Recorder::start(std::size_t scope, std::string_view name, otel::SpanKind kind,
                                 const otel::Context& parent, std::uint64_t start_offset,
                                 const otel::Attributes& attributes,
                                 std::vector<otel::SpanLink> links) {
  Handle handle;
  with_list(attributes, [&](std::initializer_list<otel::SpanAttribute> list) {
    handle.span = tracers_[scope].start_span(name, {.kind = kind,
                                                    .parent = parent,
                                                    .attributes = list,
                                                    .links = links,
                                                    .start_time = at(start_offset)});
  });
  if (!handle.span->is_recording()) problem_ += "span '" + std::string(name) + "' not recording; ";

  // The expectation: a sampled span (always_on) in the parent's trace, with the parent's
  // tracestate (the built-in samplers keep it), or a new trace id when there is no parent.
  const otel::SpanContext& parent_context = parent.span_context();
  ExpectedSpan expected{.scope = scope, .data = {}};
  otel::SpanData& data = expected.data;
  data.context.trace_id =
      parent_context.is_valid() ? parent_context.trace_id : handle.span->context().trace_id;
  data.context.span_id = handle.span->context().span_id;
  data.context.trace_flags = otel::TraceFlags{otel::TraceFlags::kSampled};
  if (parent_context.is_valid()) {
    data.context.trace_state = parent_context.trace_state;
    data.parent_span_id = parent_context.span_id;
    data.parent_is_remote = parent_context.is_remote;
  }
  data.name = name;
  data.kind = kind;
  data.start_time_unix_nano = kBaseUnixNano + start_offset;
  for (const auto& attribute : attributes) put(data.attributes, attribute.key, attribute.value);
  for (auto& link : links) data.links.push_back(std::move(link));
  handle.index = pending_.size();
  pending_.push_back(std::move(expected));
  return handle;
}

void Recorder::set(const Handle& span, std::string_view key, otel::AttributeValue value) {
  span.span->set_attribute(key, to_arg(value));
  put(expected(span).attributes, key, std::move(value));
}

void Recorder::event(const Handle& span, std::string_view name, std::uint64_t time_offset,
                     const otel::Attributes& attributes) {
  with_list(attributes, [&](std::initializer_list<otel::SpanAttribute> list) {
    span.span->add_event(name, list, at(time_offset));
  });
  expected(span).events.push_back({.name = std::string(name),
                                   .time_unix_nano = kBaseUnixNano + time_offset,
                                   .attributes = attributes,
                                   .dropped_attributes_count = 0});
}

void Recorder::link(const Handle& span, const otel::SpanContext& context,
                    const otel::Attributes& attributes) {
  with_list(attributes, [&](std::initializer_list<otel::SpanAttribute> list) {
    span.span->add_link(context, list);
  });
  expected(span).links.push_back(
      {.context = context, .attributes = attributes, .dropped_attributes_count = 0});
}

void Recorder::status(const Handle& span, otel::StatusCode code, std::string_view message) {
  span.span->set_status(code, message);
  expected(span).status_code = code;
  // The specification: the description is only kept with Error.
  expected(span).status_message = code == otel::StatusCode::kError ? std::string(message) : "";
}

void Recorder::rename(const Handle& span, std::string_view name) {
  span.span->update_name(name);
  expected(span).name = name;
}

void Recorder::end(const Handle& span, std::uint64_t end_offset) {
  expected(span).end_time_unix_nano = kBaseUnixNano + end_offset;
  span.span->end(at(end_offset));
  ended_.push_back(pending_[span.index]);
}

otel::Context Recorder::parent_of(const Handle& span) {
  return otel::Context{}.with_span(span.span);
}

Manifest Recorder::take_manifest(otel::Resource resource) {
  return Manifest{.resource = std::move(resource),
                  .scopes = std::move(scopes_),
                  .spans = std::move(ended_),
                  .expected_requests = 0};
}

}  // namespace kafkatrace::interop
