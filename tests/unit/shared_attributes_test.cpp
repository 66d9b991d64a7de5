// SharedAttributes: spans that refer to a shared list carry the same attributes as spans given
// each attribute, through the SDK (limits, overrides) and through every exporter's encoding.
#include "kafkatrace/otel/shared_attributes.h"

#include <gtest/gtest.h>

#include <mutex>

#include "kafkatrace/exporters/console.h"
#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/otel/tracer.h"
#include "support/span_fixtures.h"

namespace kafkatrace::otel {
namespace {

// Keeps copies of the SpanData the processor hands over, as they are (shared lists included).
class RawExporter final : public SpanExporter {
 public:
  explicit RawExporter(std::shared_ptr<std::vector<SpanData>> spans) : spans_(std::move(spans)) {}
  ExportResult export_spans(std::span<const std::unique_ptr<SpanData>> spans) noexcept override {
    for (const auto& span : spans) spans_->push_back(*span);
    return ExportResult::kSuccess;
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }

 private:
  std::shared_ptr<std::vector<SpanData>> spans_;
};

struct Pipeline {
  std::shared_ptr<std::vector<SpanData>> spans = std::make_shared<std::vector<SpanData>>();
  std::shared_ptr<TracerProvider> provider;
  Tracer tracer;
};

Pipeline make_pipeline(SpanLimits limits = {}) {
  Pipeline pipeline;
  TracerProviderOptions options;
  options.sampler = make_always_on_sampler();
  options.processors.push_back(
      make_simple_processor(std::make_unique<RawExporter>(pipeline.spans)));
  options.limits = limits;
  options.disabled = false;
  pipeline.provider = make_tracer_provider(std::move(options));
  pipeline.tracer = pipeline.provider->get_tracer("shared-test");
  return pipeline;
}

std::shared_ptr<const SharedAttributes> topic_attributes(std::string_view topic = "orders") {
  return SharedAttributes::make({{"messaging.system", "kafka"},
                                 {"messaging.operation.type", "process"},
                                 {"messaging.destination.name", topic},
                                 {"messaging.consumer.group.name", "billing"}});
}

Attributes flat(const SpanData& span) {
  Attributes buffer;
  return all_attributes(span, buffer);
}

TEST(SharedAttributes, MakeLeavesOutEmptyKeysAndKeepsTheLastOfARepeatedKey) {
  const auto shared =
      SharedAttributes::make({{"a", 1}, {"", 2}, {"b", "text"}, {"a", 3}, {"c", true}});
  const Attributes expected{{"a", std::int64_t{3}}, {"b", std::string("text")}, {"c", true}};
  EXPECT_EQ(shared->attributes(), expected);
  EXPECT_TRUE(shared->contains("b"));
  EXPECT_FALSE(shared->contains("d"));
  EXPECT_FALSE(shared->contains(""));
  EXPECT_EQ(shared->longest_text(), 4u);
  EXPECT_NE(shared->id(), SharedAttributes::make({{"a", 1}})->id());
}

TEST(SharedAttributes, ASpanRefersToTheListAndAddsItsOwnAttributes) {
  auto pipeline = make_pipeline();
  const auto shared = topic_attributes();
  auto span = pipeline.tracer.start_span(
      "process orders",
      {.attributes = {{"messaging.kafka.offset", 7}}, .shared_attributes = shared.get()});
  span->set_attribute("messaging.kafka.message.key", "k1");
  span->end();
  ASSERT_EQ(pipeline.spans->size(), 1u);
  const SpanData& data = pipeline.spans->front();
  EXPECT_EQ(data.shared_attributes, shared);
  const Attributes own{{"messaging.kafka.offset", std::int64_t{7}},
                       {"messaging.kafka.message.key", std::string("k1")}};
  EXPECT_EQ(data.attributes, own);
  Attributes expected = shared->attributes();
  expected.insert(expected.end(), own.begin(), own.end());
  EXPECT_EQ(flat(data), expected);
}

TEST(SharedAttributes, SettingAKeyOfTheListReplacesItForThatSpanOnly) {
  auto pipeline = make_pipeline();
  const auto shared = topic_attributes();
  auto first = pipeline.tracer.start_span(
      "a", {.attributes = {{"messaging.destination.name", "payments"}},  // at start
            .shared_attributes = shared.get()});
  first->end();
  auto second = pipeline.tracer.start_span("b", {.shared_attributes = shared.get()});
  second->set_attribute("messaging.consumer.group.name", "audit");  // later
  second->end();
  auto third = pipeline.tracer.start_span("c", {.shared_attributes = shared.get()});
  third->end();
  ASSERT_EQ(pipeline.spans->size(), 3u);
  const auto& spans = *pipeline.spans;
  EXPECT_EQ(spans[0].shared_attributes, nullptr);
  EXPECT_EQ(spans[0].attributes,
            (Attributes{{"messaging.system", std::string("kafka")},
                        {"messaging.operation.type", std::string("process")},
                        {"messaging.destination.name", std::string("payments")},
                        {"messaging.consumer.group.name", std::string("billing")}}));
  EXPECT_EQ(spans[1].shared_attributes, nullptr);
  EXPECT_EQ(spans[1].attributes[3],
            (KeyValue{"messaging.consumer.group.name", std::string("audit")}));
  EXPECT_EQ(spans[1].attributes.size(), 4u);
  EXPECT_EQ(spans[2].shared_attributes, shared);  // the list itself is unchanged
  EXPECT_EQ(shared->attributes()[2].value, AttributeValue(std::string("orders")));
}

TEST(SharedAttributes, TheCountLimitCoversSharedAndOwnAttributes) {
  auto pipeline = make_pipeline({.attribute_count = 5});
  const auto shared = topic_attributes();  // 4
  auto span = pipeline.tracer.start_span(
      "a", {.attributes = {{"x", 1}, {"y", 2}}, .shared_attributes = shared.get()});
  span->set_attribute("z", 3);
  span->end();
  const SpanData& data = pipeline.spans->front();
  EXPECT_EQ(data.shared_attributes, shared);
  EXPECT_EQ(data.attributes, (Attributes{{"x", std::int64_t{1}}}));
  EXPECT_EQ(data.dropped_attributes_count, 2u);
}

TEST(SharedAttributes, AListTheLimitsWouldCutIsCopiedAndCut) {
  auto pipeline = make_pipeline({.attribute_count = 3, .attribute_value_length = 4});
  const auto shared = topic_attributes();  // 4 attributes, values up to 7 bytes
  auto span = pipeline.tracer.start_span(
      "a", {.attributes = {{"x", 1}}, .shared_attributes = shared.get()});
  span->end();
  const SpanData& data = pipeline.spans->front();
  EXPECT_EQ(data.shared_attributes, nullptr);
  EXPECT_EQ(data.attributes, (Attributes{{"messaging.system", std::string("kafk")},
                                         {"messaging.operation.type", std::string("proc")},
                                         {"messaging.destination.name", std::string("orde")}}));
  EXPECT_EQ(data.dropped_attributes_count, 2u);
}

TEST(SharedAttributes, ARecycledSpanWithoutAListCarriesNone) {
  auto pipeline = make_pipeline();
  const auto shared = topic_attributes();
  for (int i = 0; i < 50; ++i) {
    auto span =
        pipeline.tracer.start_span("a", {.shared_attributes = i % 2 == 0 ? shared.get() : nullptr});
    span->end();
    DeferredSpan deferred = pipeline.tracer.start_deferred("d");
    const SpanAttribute attributes[] = {{"n", i}};
    pipeline.tracer.end_deferred(deferred, "d", {.attributes = attributes});
  }
  ASSERT_EQ(pipeline.spans->size(), 100u);
  for (std::size_t i = 0; i < pipeline.spans->size(); ++i) {
    const bool with_list = i % 4 == 0;
    EXPECT_EQ((*pipeline.spans)[i].shared_attributes != nullptr, with_list) << i;
  }
}

// The same span twice: with a shared list, and with the list copied into its attributes.
std::vector<std::unique_ptr<SpanData>> twin_batches(
    std::shared_ptr<const SharedAttributes> shared,
    std::vector<std::unique_ptr<SpanData>>& flat_batch) {
  std::vector<std::unique_ptr<SpanData>> batch;
  for (int i = 0; i < 3; ++i) {
    auto span = testing::make_full_span();
    span->shared_attributes = shared;
    std::erase_if(span->attributes, [&](const KeyValue& kv) { return shared->contains(kv.key); });
    span->attributes.push_back({"n", std::int64_t{i}});
    auto copy = std::make_unique<SpanData>(*span);
    copy->attributes = flat(*span);
    copy->shared_attributes.reset();
    batch.push_back(std::move(span));
    flat_batch.push_back(std::move(copy));
  }
  return batch;
}

TEST(SharedAttributes, OtlpProtobufIsByteForByteThatOfTheCopiedAttributes) {
  exporters::OtlpTraceEncoder encoder;
  for (std::string_view topic : {"orders", "payments", "orders"}) {  // cached, new, cached
    std::vector<std::unique_ptr<SpanData>> flat_batch;
    const auto shared_batch = twin_batches(topic_attributes(topic), flat_batch);
    const std::string expected = exporters::encode_otlp_trace_protobuf(flat_batch);
    EXPECT_EQ(encoder.encode_protobuf(shared_batch), expected) << topic;
  }
  // One list with two others in one batch.
  std::vector<std::unique_ptr<SpanData>> flat_batch;
  auto batch = twin_batches(topic_attributes("a"), flat_batch);
  auto more = twin_batches(topic_attributes("b"), flat_batch);
  for (auto& span : more) batch.push_back(std::move(span));
  EXPECT_EQ(encoder.encode_protobuf(batch), exporters::encode_otlp_trace_protobuf(flat_batch));
}

TEST(SharedAttributes, OtlpJsonAndConsoleShowTheSharedAttributes) {
  std::vector<std::unique_ptr<SpanData>> flat_batch;
  const auto batch = twin_batches(topic_attributes("orders"), flat_batch);
  EXPECT_EQ(exporters::encode_otlp_trace_json(batch),
            exporters::encode_otlp_trace_json(flat_batch));
  EXPECT_EQ(exporters::format_span_for_console(*batch[0]),
            exporters::format_span_for_console(*flat_batch[0]));
  EXPECT_NE(exporters::format_span_for_console(*batch[0]).find("messaging.destination.name"),
            std::string::npos);
}

TEST(SharedAttributes, TheInMemoryStoreHoldsOneList) {
  auto exporter = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = exporter->store();
  std::vector<std::unique_ptr<SpanData>> flat_batch;
  const auto batch = twin_batches(topic_attributes("orders"), flat_batch);
  ASSERT_EQ(exporter->export_spans(batch), ExportResult::kSuccess);
  const auto spans = store->spans();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].shared_attributes, nullptr);
  EXPECT_EQ(spans[0].attributes, flat_batch[0]->attributes);
}

}  // namespace
}  // namespace kafkatrace::otel
