#include "kafkatrace/otel/tracing_backend.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/otel/trace_context_propagator.h"

namespace kafkatrace::otel {
namespace {

std::shared_ptr<TracerProvider> make_provider(std::shared_ptr<exporters::InMemorySpanStore> store) {
  TracerProviderOptions options;
  options.resource = Resource{};
  options.sampler = make_always_on_sampler();
  options.limits = SpanLimits{};
  options.disabled = false;
  options.processors.push_back(
      make_simple_processor(std::make_unique<exporters::InMemorySpanExporter>(std::move(store))));
  return make_tracer_provider(std::move(options));
}

TEST(TracingBackend, ProducerToConsumerThroughHeaders) {
  auto store = std::make_shared<exporters::InMemorySpanStore>();
  auto provider = make_provider(store);
  auto backend = make_sdk_tracing_backend(provider->get_tracer("kafka"),
                                          std::make_shared<TraceContextPropagator>());
  EXPECT_TRUE(backend->enabled());

  auto producer = backend->start_span(
      "orders publish",
      {.kind = SpanKind::kProducer, .attributes = {{"messaging.system", "kafka"}}});
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  backend->inject(backend->context_with_span(backend->current_context(), producer), carrier);
  ASSERT_EQ(headers.count("traceparent"), 1u);
  producer->set_status(StatusCode::kError, "broker down");
  producer->end(std::nullopt);

  const Context remote = backend->extract(carrier, Context{});
  EXPECT_TRUE(remote.span_context().is_remote);
  auto consumer =
      backend->start_span("orders process", {.kind = SpanKind::kConsumer, .parent = remote});
  EXPECT_EQ(consumer->context().trace_id, producer->context().trace_id);
  consumer->end(std::nullopt);

  const auto spans = store->spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].status_code, StatusCode::kError);
  EXPECT_EQ(spans[1].parent_span_id, producer->context().span_id);
  EXPECT_TRUE(spans[1].parent_is_remote);
}

TEST(TracingBackend, ContextWithSpanMakesItCurrent) {
  auto store = std::make_shared<exporters::InMemorySpanStore>();
  auto provider = make_provider(store);
  auto backend = make_sdk_tracing_backend(provider->get_tracer("kafka"));
  auto parent = backend->start_span("parent", {});
  {
    Scope scope{backend->context_with_span(backend->current_context(), parent)};
    EXPECT_EQ(backend->current_context().span_context().span_id, parent->context().span_id);
    auto child = backend->start_span("child", {});
    EXPECT_EQ(child->context().trace_id, parent->context().trace_id);
  }
  EXPECT_FALSE(backend->current_context().span_context().is_valid());
}

}  // namespace
}  // namespace kafkatrace::otel
