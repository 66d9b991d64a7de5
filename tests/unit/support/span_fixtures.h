// Sample SpanData for exporter tests: a root span and a fully populated child span.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::testing {

inline otel::TraceId sample_trace_id() {
  return otel::TraceId(std::array<std::uint8_t, 16>{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6,
                                                    0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47,
                                                    0x36});
}
inline otel::SpanId sample_span_id(std::uint8_t last = 0xb7) {
  return otel::SpanId(std::array<std::uint8_t, 8>{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, last});
}

inline std::shared_ptr<const otel::Resource> sample_resource(std::string service = "orders") {
  return std::make_shared<const otel::Resource>(
      otel::Attributes{{"service.name", service}, {"process.pid", std::int64_t{4242}}},
      "https://opentelemetry.io/schemas/1.24.0");
}

inline std::shared_ptr<const otel::InstrumentationScope> sample_scope(std::string name = "kafka") {
  return std::make_shared<const otel::InstrumentationScope>(
      otel::InstrumentationScope{name, "0.1.0", "https://opentelemetry.io/schemas/1.21.0"});
}

// A sampled root span with two attributes, no events, links or status.
inline std::unique_ptr<otel::SpanData> make_root_span(std::string name = "root") {
  auto span = std::make_unique<otel::SpanData>();
  span->context.trace_id = sample_trace_id();
  span->context.span_id = sample_span_id(0x01);
  span->context.trace_flags = otel::TraceFlags{otel::TraceFlags::kSampled};
  span->name = std::move(name);
  span->kind = otel::SpanKind::kInternal;
  span->start_time_unix_nano = 1700000000000000000ULL;
  span->end_time_unix_nano = 1700000000001500000ULL;
  span->attributes = {{"a", std::string("b")}, {"n", std::int64_t{1}}};
  span->scope = sample_scope();
  span->resource = sample_resource();
  return span;
}

// A producer span with a remote parent and every field set.
inline std::unique_ptr<otel::SpanData> make_full_span() {
  auto span = std::make_unique<otel::SpanData>();
  span->context.trace_id = sample_trace_id();
  span->context.span_id = sample_span_id();
  span->context.trace_flags = otel::TraceFlags{otel::TraceFlags::kSampled};
  span->context.trace_state = otel::TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  span->parent_span_id = sample_span_id(0x42);
  span->parent_is_remote = true;
  span->name = "orders send";
  span->kind = otel::SpanKind::kProducer;
  span->start_time_unix_nano = 1700000000000000000ULL;
  span->end_time_unix_nano = 1700000000002000000ULL;
  span->attributes = {
      {"messaging.system", std::string("kafka")},
      {"messaging.kafka.message.tombstone", true},
      {"messaging.kafka.offset", std::int64_t{-42}},
      {"ratio", 0.25},
      {"flags", std::vector<bool>{true, false}},
      {"offsets", std::vector<std::int64_t>{1, 2, 3}},
      {"weights", std::vector<double>{1.5, -2.0}},
      {"tags", std::vector<std::string>{"x", "y\"z"}},
  };
  span->dropped_attributes_count = 3;
  span->events.push_back(otel::SpanEvent{
      "exception", 1700000000001000000ULL, {{"exception.type", std::string("Timeout")}}, 1});
  span->dropped_events_count = 4;
  otel::SpanLink link;
  link.context.trace_id = sample_trace_id();
  link.context.span_id = sample_span_id(0x99);
  link.context.trace_flags = otel::TraceFlags{otel::TraceFlags::kSampled};
  link.context.is_remote = true;
  link.context.trace_state = otel::TraceState::parse("k=v");
  link.attributes = {{"link.kind", std::string("batch")}};
  link.dropped_attributes_count = 2;
  span->links.push_back(link);
  span->dropped_links_count = 5;
  span->status_code = otel::StatusCode::kError;
  span->status_message = "broker unavailable";
  span->scope = sample_scope();
  span->resource = sample_resource();
  return span;
}

}  // namespace kafkatrace::testing
