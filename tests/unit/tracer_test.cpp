#include "kafkatrace/otel/tracer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "kafkatrace/exporters/memory.h"

namespace kafkatrace::otel {
namespace {

struct Pipeline {
  std::shared_ptr<exporters::InMemorySpanStore> store;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;
};

Pipeline make_pipeline(std::unique_ptr<Sampler> sampler = make_always_on_sampler()) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  TracerProviderOptions options;
  options.resource = Resource({{"service.name", std::string("tracer-test")}});
  options.sampler = std::move(sampler);
  options.processors.push_back(make_simple_processor(std::move(exporter)));
  options.limits = SpanLimits{};
  options.disabled = false;
  auto provider = make_tracer_provider(std::move(options));
  auto tracer = provider->get_tracer("tracer-test", "1.2.3", "https://example.com/schema");
  return {store, provider, tracer};
}

class RecordOnlySampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParameters& parameters) const noexcept override {
    return {SamplingDecision::kRecordOnly, {{"sampler.saw", std::string(parameters.name)}}, {}};
  }
  std::string description() const override { return "RecordOnly"; }
};

TEST(Tracer, RootSpanGetsNewTraceAndScope) {
  auto pipeline = make_pipeline();
  auto span = pipeline.tracer.start_span("root", {.kind = SpanKind::kProducer});
  EXPECT_TRUE(span->context().is_valid());
  EXPECT_TRUE(span->context().is_sampled());
  EXPECT_FALSE(span->context().is_remote);
  span->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_FALSE(spans[0].parent_span_id.is_valid());
  EXPECT_EQ(spans[0].kind, SpanKind::kProducer);
  ASSERT_NE(spans[0].scope, nullptr);
  EXPECT_EQ(spans[0].scope->name, "tracer-test");
  EXPECT_EQ(spans[0].scope->version, "1.2.3");
  EXPECT_EQ(spans[0].scope->schema_url, "https://example.com/schema");
  ASSERT_NE(spans[0].resource, nullptr);
  EXPECT_NE(spans[0].resource->find("service.name"), nullptr);
}

TEST(Tracer, ChildOfCurrentContext) {
  auto pipeline = make_pipeline();
  auto parent = pipeline.tracer.start_span("parent");
  {
    Scope scope{Context::current().with_span(parent)};
    auto child = pipeline.tracer.start_span("child");
    EXPECT_EQ(child->context().trace_id, parent->context().trace_id);
    EXPECT_NE(child->context().span_id, parent->context().span_id);
    child->end();
  }
  auto sibling_root = pipeline.tracer.start_span("after-scope");
  EXPECT_NE(sibling_root->context().trace_id, parent->context().trace_id);
  sibling_root->end();
  parent->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].parent_span_id, parent->context().span_id);
  EXPECT_FALSE(spans[0].parent_is_remote);
}

TEST(Tracer, ExplicitParentWinsOverCurrent) {
  auto pipeline = make_pipeline();
  auto current = pipeline.tracer.start_span("current");
  Scope scope{Context::current().with_span(current)};
  const SpanContext remote{
      TraceId::random(), SpanId::random(), TraceFlags{TraceFlags::kSampled}, true, {}};
  auto child = pipeline.tracer.start_span("child", {.parent = Context{}.with_span_context(remote)});
  EXPECT_EQ(child->context().trace_id, remote.trace_id);
  child->end();
  auto root = pipeline.tracer.start_span("root", {.parent = Context{}});
  EXPECT_NE(root->context().trace_id, current->context().trace_id);
  root->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].parent_span_id, remote.span_id);
  EXPECT_TRUE(spans[0].parent_is_remote);
  EXPECT_FALSE(spans[1].parent_span_id.is_valid());
  current->end();
}

TEST(Tracer, LinksAtStart) {
  auto pipeline = make_pipeline();
  std::vector<SpanLink> links(2);
  for (auto& link : links) {
    link.context = {TraceId::random(), SpanId::random(), TraceFlags{}, true, {}};
    link.attributes = {{"messaging.kafka.offset", std::int64_t{5}}};
  }
  pipeline.tracer.start_span("batch", {.kind = SpanKind::kConsumer, .links = links})->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  ASSERT_EQ(spans[0].links.size(), 2u);
  EXPECT_EQ(spans[0].links[1].context.span_id, links[1].context.span_id);
  EXPECT_EQ(spans[0].links[1].attributes, links[1].attributes);
}

TEST(Tracer, RecordOnlyIsRecordingButNotExported) {
  auto pipeline = make_pipeline(std::make_unique<RecordOnlySampler>());
  auto span = pipeline.tracer.start_span("quiet");
  EXPECT_TRUE(span->is_recording());
  EXPECT_FALSE(span->context().is_sampled());
  span->end();
  EXPECT_EQ(pipeline.store->size(), 0u);
  EXPECT_EQ(pipeline.provider->stats().spans_started, 1u);
  EXPECT_EQ(pipeline.provider->stats().spans_ended, 1u);
}

TEST(Tracer, DroppedSpanKeepsParentTraceAndIsNotRecording) {
  auto pipeline = make_pipeline(make_always_off_sampler());
  const SpanContext remote{TraceId::random(), SpanId::random(), TraceFlags{}, true, {}};
  auto span = pipeline.tracer.start_span("x", {.parent = Context{}.with_span_context(remote)});
  EXPECT_FALSE(span->is_recording());
  EXPECT_EQ(span->context().trace_id, remote.trace_id);
  EXPECT_TRUE(span->context().span_id.is_valid());
  EXPECT_FALSE(span->context().is_sampled());
  span->end();
  EXPECT_EQ(pipeline.provider->stats().spans_started, 0u);
}

// The parent's tracestate travels on with the child, dropped or sampled (W3C Trace Context),
// and a dropped root span has fresh, distinct ids and none.
TEST(Tracer, ChildrenCarryTheParentsTraceState) {
  const TraceState vendors = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  ASSERT_EQ(vendors.size(), 2u);
  for (const bool sampled : {false, true}) {
    auto pipeline = make_pipeline(make_parent_based_sampler(make_always_on_sampler()));
    const SpanContext remote{TraceId::random(), SpanId::random(),
                             TraceFlags{sampled ? TraceFlags::kSampled : std::uint8_t{0}}, true,
                             vendors};
    auto span = pipeline.tracer.start_span("x", {.parent = Context{}.with_span_context(remote)});
    EXPECT_EQ(span->is_recording(), sampled);
    EXPECT_EQ(span->context().trace_id, remote.trace_id);
    EXPECT_NE(span->context().span_id, remote.span_id);
    EXPECT_FALSE(span->context().is_remote);
    EXPECT_EQ(span->context().trace_state, vendors) << "sampled=" << sampled;
    span->end();
  }
  auto dropping = make_pipeline(make_always_off_sampler());
  auto first = dropping.tracer.start_span("root");
  auto second = dropping.tracer.start_span("root");
  EXPECT_TRUE(first->context().is_valid());
  EXPECT_NE(first->context().trace_id, second->context().trace_id);
  EXPECT_NE(first->context().span_id, second->context().span_id);
  EXPECT_EQ(first->context().trace_state.size(), 0u);
}

TEST(Tracer, NoopProviderPropagatesParentContext) {
  auto provider = make_noop_tracer_provider();
  auto tracer = provider->get_tracer("noop");
  EXPECT_FALSE(tracer.enabled());
  const SpanContext remote{
      TraceId::random(), SpanId::random(), TraceFlags{TraceFlags::kSampled}, true, {}};
  auto span = tracer.start_span("x", {.parent = Context{}.with_span_context(remote)});
  EXPECT_FALSE(span->is_recording());
  EXPECT_EQ(span->context().span_id, remote.span_id);
  auto orphan = tracer.start_span("y");
  EXPECT_FALSE(orphan->context().is_valid());
  EXPECT_FALSE(Tracer{}.start_span("z")->is_recording());
}

TEST(Tracer, SdkDisabledFromEnvironment) {
  setenv("OTEL_SDK_DISABLED", "TRUE", 1);
  EXPECT_TRUE(sdk_disabled_from_environment());
  auto provider = make_tracer_provider({});
  EXPECT_FALSE(provider->enabled());
  EXPECT_FALSE(provider->get_tracer("x").start_span("y")->is_recording());
  setenv("OTEL_SDK_DISABLED", "false", 1);
  EXPECT_FALSE(sdk_disabled_from_environment());
  unsetenv("OTEL_SDK_DISABLED");
}

TEST(Tracer, ShutdownStopsRecording) {
  auto pipeline = make_pipeline();
  EXPECT_TRUE(pipeline.provider->shutdown());
  EXPECT_FALSE(pipeline.tracer.enabled());
  EXPECT_FALSE(pipeline.tracer.start_span("late")->is_recording());
  EXPECT_TRUE(pipeline.provider->shutdown());  // idempotent
}

TEST(Tracer, TracersShareScopes) {
  auto pipeline = make_pipeline();
  auto a = pipeline.provider->get_tracer("lib", "1");
  auto b = pipeline.provider->get_tracer("lib", "1");
  auto c = pipeline.provider->get_tracer("lib", "2");
  EXPECT_EQ(a.scope(), b.scope());
  EXPECT_NE(a.scope(), c.scope());
}

TEST(Tracer, EveryProcessorSeesTheSpan) {
  auto first = std::make_unique<exporters::InMemorySpanExporter>();
  auto second = std::make_unique<exporters::InMemorySpanExporter>();
  auto first_store = first->store();
  auto second_store = second->store();
  TracerProviderOptions options;
  options.sampler = make_always_on_sampler();
  options.resource = Resource{};
  options.disabled = false;
  options.processors.push_back(make_simple_processor(std::move(first)));
  options.processors.push_back(make_simple_processor(std::move(second)));
  auto provider = make_tracer_provider(std::move(options));
  provider->get_tracer("t").start_span("op", {.attributes = {{"k", "v"}}})->end();
  ASSERT_EQ(first_store->size(), 1u);
  ASSERT_EQ(second_store->size(), 1u);
  EXPECT_EQ(first_store->spans()[0].attributes, second_store->spans()[0].attributes);
}

TEST(Tracer, SamplerAttributesAreAdded) {
  class Tagging final : public Sampler {
   public:
    SamplingResult should_sample(const SamplingParameters& parameters) const noexcept override {
      return {SamplingDecision::kRecordAndSample,
              {{"seen.attributes", std::int64_t(parameters.attributes.size())}},
              {}};
    }
    std::string description() const override { return "Tagging"; }
  };
  auto pipeline = make_pipeline(std::make_unique<Tagging>());
  pipeline.tracer.start_span("op", {.attributes = {{"a", 1}, {"b", 2}}})->end();
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  ASSERT_EQ(spans[0].attributes.size(), 3u);
  EXPECT_EQ(spans[0].attributes[2].key, "seen.attributes");
  EXPECT_EQ(std::get<std::int64_t>(spans[0].attributes[2].value), 2);
}

TEST(Tracer, GlobalProviderDefaultsToNoop) {
  EXPECT_FALSE(global_tracer_provider()->enabled());
  auto pipeline = make_pipeline();
  set_global_tracer_provider(pipeline.provider);
  EXPECT_EQ(global_tracer_provider(), pipeline.provider);
  set_global_tracer_provider(nullptr);
  EXPECT_FALSE(global_tracer_provider()->enabled());
}

TEST(Tracer, StatsCountStartedEndedExported) {
  auto pipeline = make_pipeline();
  for (int i = 0; i < 5; ++i) pipeline.tracer.start_span("op")->end();
  const auto stats = pipeline.provider->stats();
  EXPECT_EQ(stats.spans_started, 5u);
  EXPECT_EQ(stats.spans_ended, 5u);
  EXPECT_EQ(stats.spans_exported, 5u);
  EXPECT_EQ(stats.spans_dropped, 0u);
}

TEST(Tracer, SpanLimitsFromEnvironment) {
  setenv("OTEL_ATTRIBUTE_COUNT_LIMIT", "10", 1);
  setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "5", 1);
  setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64", 1);
  setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "3", 1);
  setenv("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "bogus", 1);
  const auto limits = SpanLimits::from_environment();
  EXPECT_EQ(limits.attribute_count, 5u);
  EXPECT_EQ(limits.attribute_value_length, 64u);
  EXPECT_EQ(limits.event_count, 3u);
  EXPECT_EQ(limits.event_attribute_count, 10u);  // falls back to the general limit
  EXPECT_EQ(limits.link_attribute_count, 10u);   // bad value ignored
  EXPECT_EQ(limits.link_count, 128u);
  for (const char* name : {"OTEL_ATTRIBUTE_COUNT_LIMIT", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
                           "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SPAN_EVENT_COUNT_LIMIT",
                           "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"})
    unsetenv(name);
}

}  // namespace
}  // namespace kafkatrace::otel
