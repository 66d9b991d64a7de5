// Tracer::start_deferred / end_deferred, and TracingBackend's default (bridge) implementation.
#include "kafkatrace/otel/deferred_span.h"

#include <gtest/gtest.h>

#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/otel/tracer.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::otel {
namespace {

using namespace std::chrono_literals;

struct Pipeline {
  std::shared_ptr<exporters::InMemorySpanStore> store;
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;
};

Pipeline make_pipeline(std::unique_ptr<Sampler> sampler = make_always_on_sampler(),
                       SpanLimits limits = {}, std::unique_ptr<SpanProcessor> extra = nullptr) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  TracerProviderOptions options;
  options.resource = Resource({{"service.name", std::string("deferred-test")}});
  options.sampler = std::move(sampler);
  if (extra) options.processors.push_back(std::move(extra));
  options.processors.push_back(make_simple_processor(std::move(exporter)));
  options.limits = limits;
  options.disabled = false;
  auto provider = make_tracer_provider(std::move(options));
  auto tracer = provider->get_tracer("deferred-test", "1.0");
  return {store, provider, tracer};
}

const AttributeValue* find(const Attributes& attributes, std::string_view key) {
  for (const auto& kv : attributes) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

TEST(DeferredSpan, SampledSpanIsWrittenOnlyAtItsEnd) {
  auto pipeline = make_pipeline();
  auto parent = pipeline.tracer.start_span("parent");
  const auto start = std::chrono::system_clock::time_point(1'700'000'000s);
  DeferredSpan span;
  {
    Scope scope{Context::current().with_span(parent)};
    span = pipeline.tracer.start_deferred(
        "send orders",
        {.kind = SpanKind::kProducer, .attributes = {{"at.start", 1}}, .start_time = start});
  }
  EXPECT_TRUE(span.recording);
  EXPECT_EQ(span.span, nullptr);  // deferred: no Span object
  EXPECT_TRUE(span.context.is_sampled());
  EXPECT_EQ(span.context.trace_id, parent->context().trace_id);
  EXPECT_NE(span.context.span_id, parent->context().span_id);
  EXPECT_EQ(pipeline.store->size(), 0u);
  EXPECT_EQ(pipeline.provider->stats().spans_started, 2u);

  SpanLink link{};
  link.context = {TraceId::random(), SpanId::random(), TraceFlags{}, true, {}};
  const std::initializer_list<SpanAttribute> attributes = {
      {"messaging.client.id", "c1"},  // these two keys share a filter bit
      {"messaging.message.body.size", 100},
      {"", "skipped"},  // an empty key is an absent optional attribute
      {"messaging.kafka.offset", 7},
      {"messaging.client.id", "c2"},  // a repeated key replaces the first
  };
  const DeferredEvent events[] = {{"retry", start + 2s}, {"at-end"}};
  const auto end_time = start + 5s;
  pipeline.tracer.end_deferred(
      span, "send orders",
      {.kind = SpanKind::kProducer,
       .attributes = std::span<const SpanAttribute>(attributes.begin(), attributes.size()),
       .links = std::span<const SpanLink>(&link, 1),
       .events = events,
       .status = StatusCode::kError,
       .status_description = "timed out",
       .end_time = end_time});
  EXPECT_FALSE(span.recording);
  parent->end();

  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 2u);
  const SpanData& data = spans[0];
  EXPECT_EQ(data.name, "send orders");
  EXPECT_EQ(data.kind, SpanKind::kProducer);
  EXPECT_EQ(data.context, span.context);
  EXPECT_EQ(data.parent_span_id, parent->context().span_id);
  EXPECT_FALSE(data.parent_is_remote);
  EXPECT_EQ(data.start_time_unix_nano, 1'700'000'000'000'000'000ULL);
  EXPECT_EQ(data.end_time_unix_nano, 1'700'000'005'000'000'000ULL);
  const Attributes expected = {{"messaging.client.id", std::string("c2")},
                               {"messaging.message.body.size", std::int64_t{100}},
                               {"messaging.kafka.offset", std::int64_t{7}}};
  EXPECT_EQ(data.attributes, expected);
  EXPECT_EQ(find(data.attributes, "at.start"), nullptr);  // start attributes are the sampler's
  ASSERT_EQ(data.links.size(), 1u);
  EXPECT_EQ(data.links[0].context, link.context);
  ASSERT_EQ(data.events.size(), 2u);
  EXPECT_EQ(data.events[0].time_unix_nano, 1'700'000'002'000'000'000ULL);
  EXPECT_EQ(data.events[1].name, "at-end");
  EXPECT_EQ(data.events[1].time_unix_nano, data.end_time_unix_nano);
  EXPECT_EQ(data.status_code, StatusCode::kError);
  EXPECT_EQ(data.status_message, "timed out");
  ASSERT_NE(data.scope, nullptr);
  EXPECT_EQ(data.scope->name, "deferred-test");
  ASSERT_NE(data.resource, nullptr);

  pipeline.tracer.end_deferred(span, "again", {});  // a second end does nothing
  EXPECT_EQ(pipeline.store->size(), 2u);
  EXPECT_EQ(pipeline.provider->stats().spans_ended, 2u);
}

TEST(DeferredSpan, RecycledSpanDataKeepsNothingOfTheSpanBefore) {
  auto pipeline = make_pipeline();
  for (int i = 0; i < 2; ++i) {
    DeferredSpan span = pipeline.tracer.start_deferred("s", {});
    const std::initializer_list<SpanAttribute> many = {{"a", 1}, {"b", 2}, {"c", 3}};
    const std::initializer_list<SpanAttribute> few = {{"c", 4}};
    const auto& list = i == 0 ? many : few;
    pipeline.tracer.end_deferred(
        span, "s", {.attributes = std::span<const SpanAttribute>(list.begin(), list.size())});
  }
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].attributes, (Attributes{{"c", std::int64_t{4}}}));
  EXPECT_EQ(spans[1].status_code, StatusCode::kUnset);
}

TEST(DeferredSpan, UnsampledSpanHasItsOwnIdsAndRecordsNothing) {
  auto pipeline = make_pipeline(make_always_off_sampler());
  const SpanContext remote{TraceId::random(), SpanId::random(), TraceFlags{}, true,
                           TraceState::parse("vendor=1")};
  DeferredSpan span =
      pipeline.tracer.start_deferred("x", {.parent = Context{}.with_span_context(remote)});
  EXPECT_FALSE(span.recording);
  EXPECT_EQ(span.span, nullptr);
  EXPECT_EQ(span.context.trace_id, remote.trace_id);
  EXPECT_TRUE(span.context.span_id.is_valid());
  EXPECT_NE(span.context.span_id, remote.span_id);
  EXPECT_FALSE(span.context.is_sampled());
  EXPECT_FALSE(span.context.is_remote);
  EXPECT_EQ(span.context.trace_state, remote.trace_state);
  DeferredSpan root = pipeline.tracer.start_deferred("root", {});
  EXPECT_TRUE(root.context.is_valid());
  EXPECT_NE(root.context.trace_id, remote.trace_id);
  pipeline.tracer.end_deferred(span, "x", {});
  pipeline.tracer.end_deferred(root, "root", {});
  EXPECT_EQ(pipeline.store->size(), 0u);
  EXPECT_EQ(pipeline.provider->stats().spans_started, 0u);
}

TEST(DeferredSpan, NoopProviderCarriesTheParentsContext) {
  auto tracer = make_noop_tracer_provider()->get_tracer("noop");
  const SpanContext remote{
      TraceId::random(), SpanId::random(), TraceFlags{TraceFlags::kSampled}, true, {}};
  DeferredSpan span = tracer.start_deferred("x", {.parent = Context{}.with_span_context(remote)});
  EXPECT_EQ(span.context, remote);
  EXPECT_FALSE(span.recording);
  EXPECT_FALSE(tracer.start_deferred("y", {.parent = Context{}}).context.is_valid());
  tracer.end_deferred(span, "x", {});
}

class SamplerWithAttributes final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParameters& parameters) const noexcept override {
    return {
        SamplingDecision::kRecordAndSample, {{"sampler.saw", std::string(parameters.name)}}, {}};
  }
  std::string description() const override { return "WithAttributes"; }
};

TEST(DeferredSpan, CustomSamplerGetsAnOrdinarySpanWithTheSameResult) {
  auto pipeline = make_pipeline(std::make_unique<SamplerWithAttributes>());
  DeferredSpan span = pipeline.tracer.start_deferred("send t", {.attributes = {{"at.start", 1}}});
  ASSERT_NE(span.span, nullptr);
  EXPECT_TRUE(span.recording);
  EXPECT_EQ(span.context, span.span->context());
  const SpanAttribute at_end[] = {{"at.end", 2}};
  pipeline.tracer.end_deferred(span, "send t", {.attributes = at_end, .status = StatusCode::kOk});
  EXPECT_EQ(span.span, nullptr);
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_NE(find(spans[0].attributes, "sampler.saw"), nullptr);
  EXPECT_NE(find(spans[0].attributes, "at.start"), nullptr);
  EXPECT_NE(find(spans[0].attributes, "at.end"), nullptr);
  EXPECT_EQ(spans[0].status_code, StatusCode::kOk);
}

class StartCounter final : public SpanProcessor {
 public:
  explicit StartCounter(int* starts) : starts_(starts) {}
  void on_start(Span&, const Context&) noexcept override { ++*starts_; }
  void on_end(std::unique_ptr<SpanData> span) noexcept override {
    recycle_span_data(std::move(span));
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }

 private:
  int* starts_;
};

TEST(DeferredSpan, ProcessorThatNeedsOnStartGetsItAtTheStart) {
  int starts = 0;
  auto pipeline =
      make_pipeline(make_always_on_sampler(), {}, std::make_unique<StartCounter>(&starts));
  DeferredSpan span = pipeline.tracer.start_deferred("s", {});
  EXPECT_EQ(starts, 1);
  ASSERT_NE(span.span, nullptr);
  pipeline.tracer.end_deferred(span, "s", {});
  EXPECT_EQ(pipeline.store->size(), 1u);
}

TEST(DeferredSpan, LimitsApplyAsToOrdinarySpans) {
  SpanLimits limits;
  limits.attribute_count = 2;
  limits.attribute_value_length = 3;
  limits.event_count = 1;
  limits.link_count = 0;
  auto pipeline = make_pipeline(make_always_on_sampler(), limits);
  DeferredSpan span = pipeline.tracer.start_deferred("s", {});
  const SpanAttribute attributes[] = {{"a", "long value"}, {"b", 2}, {"c", 3}};
  const DeferredEvent events[] = {{"one"}, {"two"}};
  SpanLink link{};
  link.context = {TraceId::random(), SpanId::random(), TraceFlags{}, true, {}};
  pipeline.tracer.end_deferred(
      span, "s",
      {.attributes = attributes, .links = std::span<const SpanLink>(&link, 1), .events = events});
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].attributes, (Attributes{{"a", std::string("lon")}, {"b", std::int64_t{2}}}));
  EXPECT_EQ(spans[0].dropped_attributes_count, 1u);
  EXPECT_EQ(spans[0].events.size(), 1u);
  EXPECT_EQ(spans[0].dropped_events_count, 1u);
  EXPECT_TRUE(spans[0].links.empty());
  EXPECT_EQ(spans[0].dropped_links_count, 1u);
}

TEST(DeferredSpan, AfterShutdownNothingIsRecorded) {
  auto pipeline = make_pipeline();
  DeferredSpan open = pipeline.tracer.start_deferred("open", {});
  pipeline.provider->shutdown();
  EXPECT_FALSE(pipeline.tracer.start_deferred("late", {}).recording);
  pipeline.tracer.end_deferred(open, "open", {});  // ended after shutdown: dropped, no crash
  EXPECT_EQ(pipeline.store->size(), 0u);
}

// A bridge onto another tracing API implements start_span only; the deferred calls then fall
// back to an ordinary span that gets the end's attributes, events and status.
class BridgeBackend final : public TracingBackend {
 public:
  explicit BridgeBackend(Tracer tracer) : tracer_(std::move(tracer)) {}
  bool enabled() const noexcept override { return true; }
  std::shared_ptr<BackendSpan> start_span(std::string_view name,
                                          const StartSpanOptions& options) const noexcept override {
    return tracer_.start_span(name, options);
  }
  Context context_with_span(const Context& base,
                            const std::shared_ptr<BackendSpan>& span) const override {
    return base.with_span_context(span->context());
  }
  Context current_context() const noexcept override { return Context::current(); }
  void inject(const Context&, TextMapCarrier&) const noexcept override {}
  Context extract(const TextMapCarrier&, const Context& base) const noexcept override {
    return base;
  }

 private:
  Tracer tracer_;
};

TEST(DeferredSpan, BackendDefaultsUseAnOrdinarySpan) {
  auto pipeline = make_pipeline();
  BridgeBackend backend(pipeline.tracer);
  DeferredSpan span = backend.start_deferred("send t", {.kind = SpanKind::kProducer});
  ASSERT_NE(span.span, nullptr);
  EXPECT_TRUE(span.recording);
  EXPECT_TRUE(span.context.is_valid());
  const SpanAttribute attributes[] = {{"", "skipped"}, {"messaging.kafka.offset", 3}};
  const DeferredEvent events[] = {{"retry"}};
  backend.end_deferred(span, "send t",
                       {.attributes = attributes,
                        .events = events,
                        .status = StatusCode::kError,
                        .status_description = "failed"});
  EXPECT_EQ(span.span, nullptr);
  EXPECT_FALSE(span.recording);
  const auto spans = pipeline.store->spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].attributes, (Attributes{{"messaging.kafka.offset", std::int64_t{3}}}));
  ASSERT_EQ(spans[0].events.size(), 1u);
  EXPECT_EQ(spans[0].status_message, "failed");
}

}  // namespace
}  // namespace kafkatrace::otel
