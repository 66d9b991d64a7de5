#include "kafkatrace/otel/span.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel {
namespace {

struct Pipeline {
  std::shared_ptr<exporters::InMemorySpanStore> store;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;
};

Pipeline make_pipeline(SpanLimits limits = {}) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  TracerProviderOptions options;
  options.resource = Resource({{"service.name", std::string("span-test")}});
  options.sampler = make_always_on_sampler();
  options.processors.push_back(make_simple_processor(std::move(exporter)));
  options.limits = limits;
  options.disabled = false;
  auto provider = make_tracer_provider(std::move(options));
  auto tracer = provider->get_tracer("span-test", "1.0");
  return {store, provider, tracer};
}

const AttributeValue* find(const Attributes& attributes, std::string_view key) {
  for (const auto& kv : attributes)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

TEST(Span, AttributesOfAllTypesAndOverwrite) {
  auto pipeline = make_pipeline();
  auto span = pipeline.tracer.start_span("op", {.attributes = {{"start", "yes"}}});
  span->set_attribute("text", "a string longer than the small string buffer");
  span->set_attribute("flag", true);
  span->set_attribute("count", 42);
  span->set_attribute("unsigned", 7u);
  span->set_attribute("ratio", 0.5);
  span->set_attribute("names", std::vector<std::string>{"a", "b"});
  span->set_attribute("count", 43);  // overwrite keeps one entry
  span->set_attribute("", 1);        // ignored
  span->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  const auto& attributes = spans[0].attributes;
  EXPECT_EQ(attributes.size(), 7u);
  EXPECT_EQ(std::get<std::string>(*find(attributes, "start")), "yes");
  EXPECT_EQ(std::get<std::string>(*find(attributes, "text")),
            "a string longer than the small string buffer");
  EXPECT_EQ(std::get<bool>(*find(attributes, "flag")), true);
  EXPECT_EQ(std::get<std::int64_t>(*find(attributes, "count")), 43);
  EXPECT_EQ(std::get<std::int64_t>(*find(attributes, "unsigned")), 7);
  EXPECT_EQ(std::get<double>(*find(attributes, "ratio")), 0.5);
  EXPECT_EQ(std::get<std::vector<std::string>>(*find(attributes, "names")).size(), 2u);
  EXPECT_EQ(spans[0].dropped_attributes_count, 0u);
}

TEST(Span, AttributeCountLimitDropsAndCounts) {
  auto pipeline = make_pipeline({.attribute_count = 2});
  auto span = pipeline.tracer.start_span("op");
  span->set_attribute("a", 1);
  span->set_attribute("b", 2);
  span->set_attribute("c", 3);
  span->set_attribute("d", 4);
  span->set_attribute("a", 10);  // updating an existing key is still allowed
  span->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].attributes.size(), 2u);
  EXPECT_EQ(spans[0].dropped_attributes_count, 2u);
  EXPECT_EQ(std::get<std::int64_t>(*find(spans[0].attributes, "a")), 10);
}

TEST(Span, ValueLengthLimitTruncatesAtUtf8Boundary) {
  auto pipeline = make_pipeline({.attribute_value_length = 4});
  auto span = pipeline.tracer.start_span("op");
  span->set_attribute("ascii", "abcdefgh");
  span->set_attribute("utf8", "ab\xc3\xa9z");  // "abéz": byte 4 would split é
  span->set_attribute("list", std::vector<std::string>{"123456", "12"});
  span->set_attribute("number", 123456789);  // not a string: untouched
  span->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(std::get<std::string>(*find(spans[0].attributes, "ascii")), "abcd");
  EXPECT_EQ(std::get<std::string>(*find(spans[0].attributes, "utf8")), "ab\xc3\xa9");
  const auto& list = std::get<std::vector<std::string>>(*find(spans[0].attributes, "list"));
  EXPECT_EQ(list[0], "1234");
  EXPECT_EQ(list[1], "12");
}

TEST(Span, EventAndLinkLimits) {
  auto pipeline = make_pipeline({.event_count = 1, .link_count = 1, .event_attribute_count = 1});
  auto span = pipeline.tracer.start_span("op");
  span->add_event("first", {{"k1", 1}, {"k2", 2}});
  span->add_event("second");
  const SpanContext other{TraceId::random(), SpanId::random(), TraceFlags{}, true, {}};
  span->add_link(other, {{"why", "batch"}});
  span->add_link(other);
  span->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  ASSERT_EQ(spans[0].events.size(), 1u);
  EXPECT_EQ(spans[0].events[0].name, "first");
  EXPECT_EQ(spans[0].events[0].attributes.size(), 1u);
  EXPECT_EQ(spans[0].events[0].dropped_attributes_count, 1u);
  EXPECT_EQ(spans[0].dropped_events_count, 1u);
  ASSERT_EQ(spans[0].links.size(), 1u);
  EXPECT_EQ(spans[0].links[0].context.span_id, other.span_id);
  EXPECT_EQ(spans[0].dropped_links_count, 1u);
}

TEST(Span, EndIsIdempotentAndFreezesTheSpan) {
  auto pipeline = make_pipeline();
  auto span = pipeline.tracer.start_span("op");
  EXPECT_TRUE(span->is_recording());
  span->end();
  EXPECT_FALSE(span->is_recording());
  span->set_attribute("late", 1);
  span->update_name("renamed");
  span->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "op");
  EXPECT_TRUE(spans[0].attributes.empty());
  EXPECT_GE(spans[0].end_time_unix_nano, spans[0].start_time_unix_nano);
}

TEST(Span, ExplicitTimesAreKept) {
  auto pipeline = make_pipeline();
  const auto start = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  auto span = pipeline.tracer.start_span("op", {.start_time = start});
  span->end(start + std::chrono::milliseconds(5));
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start_time_unix_nano, 1000'000'000'000u);
  EXPECT_EQ(spans[0].end_time_unix_nano, 1000'005'000'000u);
}

TEST(Span, StatusRules) {
  auto pipeline = make_pipeline();
  auto error_then_ok = pipeline.tracer.start_span("a");
  error_then_ok->set_status(StatusCode::kError, "broken");
  error_then_ok->set_status(StatusCode::kUnset);  // ignored
  auto error_only = pipeline.tracer.start_span("b");
  error_only->set_status(StatusCode::kError, "broken");
  error_only->set_status(StatusCode::kUnset);
  error_then_ok->set_status(StatusCode::kOk, "description dropped");
  error_then_ok->set_status(StatusCode::kError, "too late");  // Ok is final
  error_then_ok->end();
  error_only->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].status_code, StatusCode::kOk);
  EXPECT_EQ(spans[0].status_message, "");
  EXPECT_EQ(spans[1].status_code, StatusCode::kError);
  EXPECT_EQ(spans[1].status_message, "broken");
}

TEST(Span, RecordExceptionAddsAnExceptionEvent) {
  auto pipeline = make_pipeline();
  auto span = pipeline.tracer.start_span("op");
  span->record_exception(std::runtime_error("boom"));
  span->record_exception("kafka.Error", "broker down");
  span->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  ASSERT_EQ(spans[0].events.size(), 2u);
  EXPECT_EQ(spans[0].events[0].name, "exception");
  EXPECT_EQ(std::get<std::string>(*find(spans[0].events[0].attributes, "exception.type")),
            "std::runtime_error");
  EXPECT_EQ(std::get<std::string>(*find(spans[0].events[0].attributes, "exception.message")),
            "boom");
  EXPECT_EQ(std::get<std::string>(*find(spans[0].events[1].attributes, "exception.type")),
            "kafka.Error");
}

TEST(Span, UnendedSpanIsEndedOnDestruction) {
  auto pipeline = make_pipeline();
  pipeline.tracer.start_span("forgotten");
  EXPECT_EQ(pipeline.store->size(), 1u);
}

TEST(Span, NonRecordingSpanIgnoresEverything) {
  const SpanContext context{TraceId::random(), SpanId::random(), TraceFlags{}, false, {}};
  Span span(context);
  EXPECT_FALSE(span.is_recording());
  span.set_attribute("k", "v");
  span.add_event("e");
  span.set_status(StatusCode::kError, "x");
  span.end();
  EXPECT_EQ(span.context().span_id, context.span_id);
}

TEST(Span, RecycledSpanDataDoesNotLeakOldAttributes) {
  auto pipeline = make_pipeline();
  for (int i = 0; i < 200; ++i) {  // enough to cycle SpanData through the pool
    auto span = pipeline.tracer.start_span("op");
    if (i % 2 == 0) span->set_attribute("even", i);
    span->end();
  }
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 200u);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(spans[i].attributes.size(), i % 2 == 0 ? 1u : 0u) << i;
  }
}

}  // namespace
}  // namespace kafkatrace::otel
