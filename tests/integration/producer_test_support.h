// Helpers of the TracedProducer integration tests: an in-memory tracing pipeline, span and
// attribute lookups, and producer creation with the cluster's bootstrap address.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/tracer.h"
#include "kafkatrace/otel/tracing_backend.h"
#include "test_cluster.h"

namespace kafkatrace::testing {

// Spans go synchronously (simple processor) to `store`; every span is sampled (by `sampler`
// when given).
struct TestTracing {
  std::shared_ptr<exporters::InMemorySpanStore> store =
      std::make_shared<exporters::InMemorySpanStore>();
  std::shared_ptr<otel::TracerProvider> provider;
  std::shared_ptr<otel::TracingBackend> backend;

  explicit TestTracing(std::unique_ptr<otel::Sampler> sampler = nullptr) {
    otel::TracerProviderOptions options;
    options.resource = otel::Resource{};
    options.sampler = sampler ? std::move(sampler) : otel::make_always_on_sampler();
    options.limits = otel::SpanLimits{};
    options.disabled = false;
    options.processors.push_back(
        otel::make_simple_processor(std::make_unique<exporters::InMemorySpanExporter>(store)));
    provider = otel::make_tracer_provider(std::move(options));
    backend = otel::make_sdk_tracing_backend(provider->get_tracer("kafkatrace-test"));
  }

  std::vector<otel::SpanData> spans_named(std::string_view name) const {
    std::vector<otel::SpanData> found;
    for (auto& span : store->spans())
      if (span.name == name) found.push_back(std::move(span));
    return found;
  }
};

inline const otel::AttributeValue* find_attribute(const otel::SpanData& span,
                                                  std::string_view key) {
  for (const auto& attribute : span.attributes)
    if (attribute.key == key) return &attribute.value;
  return nullptr;
}
inline std::optional<std::string> string_attribute(const otel::SpanData& span,
                                                   std::string_view key) {
  const auto* value = find_attribute(span, key);
  if (value == nullptr || !std::holds_alternative<std::string>(*value)) return std::nullopt;
  return std::get<std::string>(*value);
}
inline std::optional<std::int64_t> int_attribute(const otel::SpanData& span, std::string_view key) {
  const auto* value = find_attribute(span, key);
  if (value == nullptr || !std::holds_alternative<std::int64_t>(*value)) return std::nullopt;
  return std::get<std::int64_t>(*value);
}

inline std::string traceparent_of(const otel::SpanContext& context) {
  return "00-" + context.trace_id.to_hex() + "-" + context.span_id.to_hex() +
         (context.trace_flags.is_sampled() ? "-01" : "-00");
}

inline std::optional<std::string> last_header(const ConsumedMessage& message,
                                              std::string_view name) {
  std::optional<std::string> value;
  for (const auto& header : message.headers)
    if (header.name == name) value = header.value.value_or("");
  return value;
}
inline std::size_t header_count(const ConsumedMessage& message, std::string_view name) {
  std::size_t count = 0;
  for (const auto& header : message.headers) count += header.name == name;
  return count;
}

inline std::unique_ptr<kafka::TracedProducer> make_producer(kafka::ProducerOptions options) {
  auto created = kafka::TracedProducer::create(std::move(options));
  EXPECT_TRUE(created) << created.error;
  return std::move(created.producer);
}

}  // namespace kafkatrace::testing
