// TracedProducer end to end (embedded and real broker): delivery spans against what a consumer
// reads, header injection, batch spans, callbacks, configuration errors, kcat's view.
#include "kafkatrace/kafka/producer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "kafkatrace/exporters/memory_metrics.h"
#include "kafkatrace/kafka/semconv.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/periodic_reader.h"
#include "producer_test_support.h"

namespace kafkatrace::testing {
namespace {

namespace sc = kafka::semconv;
using kafka::ProducerOptions;
using kafka::ProducerRecord;

class ProducerTest : public KafkaClusterTest {
 protected:
  ProducerOptions options() const {
    return {.bootstrap_servers = bootstrap_servers(), .tracing = tracing_.backend};
  }
  TestTracing tracing_;
};

// Samples everything, slowly: the thread is held for 20 ms inside the span's start.
class SlowSampler final : public otel::Sampler {
 public:
  otel::SamplingResult should_sample(const otel::SamplingParameters&) const noexcept override {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return {.decision = otel::SamplingDecision::kRecordAndSample};
  }
  std::string description() const override { return "SlowSampler"; }
};

// With a sampler that is not built in, a send span cannot be deferred (deferred_span.h): it is an
// ordinary span, started before the record goes out and ended at the acknowledgement. Its times
// too lie within the test's clock readings, with a sampler that holds the start for 20 ms.
TEST_F(ProducerTest, SendSpansThatCannotBeDeferredLieWithinTheSend) {
  const std::string topic = unique_topic_name("producer-slow-sampler");
  ASSERT_TRUE(create_topic(topic, 1));
  TestTracing slow(std::make_unique<SlowSampler>());
  auto producer =
      make_producer({.bootstrap_servers = bootstrap_servers(), .tracing = slow.backend});
  ASSERT_TRUE(producer);
  const auto unix_nanos = [] {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  };
  const std::uint64_t before = unix_nanos();
  const kafka::DeliveryResult result = producer->send({.topic = topic, .value = "v"}).get();
  const std::uint64_t after = unix_nanos();
  ASSERT_TRUE(result.ok()) << result.error->message;
  const auto spans = slow.spans_named("send " + topic);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_LE(before, spans[0].start_time_unix_nano);
  EXPECT_LT(spans[0].start_time_unix_nano, spans[0].end_time_unix_nano);
  EXPECT_LE(spans[0].end_time_unix_nano, after);
}

TEST_F(ProducerTest, DeliverySpansCarryThePartitionAndOffsetAConsumerReads) {
  const std::string topic = unique_topic_name("producer-offsets");
  ASSERT_TRUE(create_topic(topic, 3));
  auto producer = make_producer(options());
  ASSERT_TRUE(producer);
  constexpr int kCount = 30;
  const auto unix_nanos = [] {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  };
  const std::uint64_t before = unix_nanos();
  std::vector<std::future<kafka::DeliveryResult>> futures;
  for (int i = 0; i < kCount; ++i) {
    futures.push_back(producer->send({.topic = topic,
                                      .key = "key-" + std::to_string(i % 7),
                                      .value = "value-" + std::to_string(i)}));
  }
  std::map<std::pair<int, std::int64_t>, std::string> delivered;  // (partition, offset) -> value
  for (int i = 0; i < kCount; ++i) {
    const kafka::DeliveryResult result = futures[i].get();
    ASSERT_TRUE(result.ok()) << result.error->message;
    EXPECT_EQ(result.topic, topic);
    EXPECT_TRUE(result.timestamp.has_value());
    delivered[{result.partition, result.offset}] = "value-" + std::to_string(i);
  }
  const std::uint64_t after = unix_nanos();
  const auto spans = tracing_.spans_named("send " + topic);
  ASSERT_EQ(spans.size(), static_cast<std::size_t>(kCount));
  std::map<std::pair<int, std::int64_t>, otel::SpanData> by_position;
  for (const auto& span : spans) {
    EXPECT_EQ(span.kind, otel::SpanKind::kProducer);
    // From send() to the acknowledgement, inside the test's own readings of the clock.
    EXPECT_LE(before, span.start_time_unix_nano);
    EXPECT_LT(span.start_time_unix_nano, span.end_time_unix_nano);
    EXPECT_LE(span.end_time_unix_nano, after);
    EXPECT_EQ(string_attribute(span, sc::kMessagingSystem), "kafka");
    EXPECT_EQ(string_attribute(span, sc::kMessagingOperationType), "send");
    EXPECT_EQ(string_attribute(span, sc::kMessagingOperationName), "send");
    EXPECT_EQ(string_attribute(span, sc::kMessagingDestinationName), topic);
    EXPECT_TRUE(string_attribute(span, sc::kMessagingKafkaMessageKey)->starts_with("key-"));
    EXPECT_EQ(string_attribute(span, sc::kMessagingClientId), "rdkafka");
    EXPECT_TRUE(string_attribute(span, sc::kServerAddress).has_value());
    EXPECT_NE(span.status_code, otel::StatusCode::kError);
    const auto partition = string_attribute(span, sc::kMessagingDestinationPartitionId);
    const auto offset = int_attribute(span, sc::kMessagingKafkaOffset);
    ASSERT_TRUE(partition && offset);
    by_position[{std::stoi(*partition), *offset}] = span;
  }
  const auto consumed = consume_messages(bootstrap_servers(), topic, kCount);
  ASSERT_EQ(consumed.size(), static_cast<std::size_t>(kCount));
  for (const auto& message : consumed) {
    const std::pair<int, std::int64_t> position{message.partition, message.offset};
    ASSERT_TRUE(delivered.contains(position)) << message.partition << "/" << message.offset;
    EXPECT_EQ(message.value, delivered[position]);
    ASSERT_TRUE(by_position.contains(position));
    EXPECT_EQ(header_count(message, "traceparent"), 1u);
    EXPECT_EQ(last_header(message, "traceparent"), traceparent_of(by_position[position].context));
  }
}

TEST_F(ProducerTest, ForwardedRecordGetsOneFreshTraceparent) {
  const std::string topic = unique_topic_name("producer-forward");
  ASSERT_TRUE(create_topic(topic, 1));
  auto producer = make_producer(options());
  const std::string stale = "00-11111111111111111111111111111111-2222222222222222-01";
  const auto result = producer
                          ->send({.topic = topic,
                                  .value = "v",
                                  .headers = {{"traceparent", stale},
                                              {"app", std::string("\0\xff", 2)},
                                              {"traceparent", stale},
                                              {"empty", std::nullopt}}})
                          .get();
  ASSERT_TRUE(result.ok());
  const auto consumed = consume_messages(bootstrap_servers(), topic, 1);
  ASSERT_EQ(consumed.size(), 1u);
  EXPECT_EQ(header_count(consumed[0], "traceparent"), 1u);
  const auto spans = tracing_.spans_named("send " + topic);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(last_header(consumed[0], "traceparent"), traceparent_of(spans[0].context));
  EXPECT_EQ(last_header(consumed[0], "app"), std::string("\0\xff", 2));
  EXPECT_EQ(header_count(consumed[0], "empty"), 1u);
}

TEST_F(ProducerTest, InjectionCanBeTurnedOffAndSpanParentsOnTheCurrentContext) {
  const std::string topic = unique_topic_name("producer-noinject");
  ASSERT_TRUE(create_topic(topic, 1));
  auto opts = options();
  opts.inject_headers = false;
  auto producer = make_producer(std::move(opts));
  auto parent = tracing_.backend->start_span("parent", {});
  {
    otel::Scope scope(tracing_.backend->context_with_span(otel::Context{}, parent));
    ASSERT_TRUE(producer->send({.topic = topic, .value = "v"}).get().ok());
  }
  parent->end(std::nullopt);
  const auto consumed = consume_messages(bootstrap_servers(), topic, 1);
  ASSERT_EQ(consumed.size(), 1u);
  EXPECT_EQ(header_count(consumed[0], "traceparent"), 0u);
  const auto spans = tracing_.spans_named("send " + topic);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].parent_span_id, parent->context().span_id);
}

TEST_F(ProducerTest, BatchSpanLinksEveryRecordSpan) {
  const std::string topic = unique_topic_name("producer-batch");
  ASSERT_TRUE(create_topic(topic, 2));
  auto producer = make_producer(options());
  std::vector<ProducerRecord> records;
  for (int i = 0; i < 12; ++i) records.push_back({.topic = topic, .value = std::to_string(i)});
  const auto results = producer->send_batch(records);
  ASSERT_EQ(results.size(), records.size());
  for (const auto& result : results) EXPECT_TRUE(result.ok());
  const auto spans = tracing_.spans_named("send " + topic);
  ASSERT_EQ(spans.size(), 13u);
  const otel::SpanData* batch = nullptr;
  std::set<std::string> record_spans;
  for (const auto& span : spans) {
    if (int_attribute(span, sc::kMessagingBatchMessageCount)) {
      batch = &span;
    } else {
      record_spans.insert(span.context.span_id.to_hex());
    }
  }
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(int_attribute(*batch, sc::kMessagingBatchMessageCount), 12);
  ASSERT_EQ(batch->links.size(), 12u);
  for (const auto& link : batch->links)
    EXPECT_TRUE(record_spans.contains(link.context.span_id.to_hex()));
}

TEST_F(ProducerTest, CallbackRunsOnThePollThread) {
  const std::string topic = unique_topic_name("producer-callback");
  ASSERT_TRUE(create_topic(topic, 1));
  auto producer = make_producer(options());
  std::promise<std::pair<std::thread::id, kafka::DeliveryResult>> done;
  producer->send({.topic = topic, .value = "v"}, [&](const kafka::DeliveryResult& result) {
    done.set_value({std::this_thread::get_id(), result});
    throw std::runtime_error("callbacks that throw are caught");
  });
  auto [thread, result] = done.get_future().get();
  EXPECT_NE(thread, std::this_thread::get_id());
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(producer->flush(std::chrono::seconds(10)));
  EXPECT_EQ(producer->outstanding(), 0u);
}

TEST_F(ProducerTest, OldAttributeNamesUnderMessagingDup) {
  const std::string topic = unique_topic_name("producer-dup");
  ASSERT_TRUE(create_topic(topic, 1));
  auto opts = options();
  opts.semconv_mode = sc::SemconvMode::kDuplicate;
  auto producer = make_producer(std::move(opts));
  ASSERT_TRUE(producer->send({.topic = topic, .key = "k", .value = "v"}).get().ok());
  const auto spans = tracing_.spans_named("send " + topic);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(string_attribute(spans[0], sc::old::kMessagingDestination), topic);
  EXPECT_EQ(string_attribute(spans[0], sc::old::kMessagingOperation), "publish");
  EXPECT_EQ(string_attribute(spans[0], sc::old::kMessagingKafkaMessageKey), "k");
  EXPECT_EQ(int_attribute(spans[0], sc::old::kMessagingKafkaPartition), 0);
  EXPECT_EQ(string_attribute(spans[0], sc::kMessagingDestinationName), topic);  // and current ones
}

TEST_F(ProducerTest, RecordsSentMessagesAndOperationDuration) {
  const std::string topic = unique_topic_name("producer-metrics");
  ASSERT_TRUE(create_topic(topic, 1));
  auto exporter = std::make_unique<exporters::InMemoryMetricExporter>();
  auto store = exporter->store();
  otel::MeterProviderOptions meter_options;
  meter_options.resource = otel::Resource{};
  meter_options.disabled = false;
  meter_options.readers.push_back(otel::make_periodic_reader(std::move(exporter), {}));
  auto meters = otel::make_meter_provider(std::move(meter_options));
  auto opts = options();
  opts.metrics = otel::MessagingMetrics::create(meters->get_meter("kafkatrace"));
  opts.properties["message.max.bytes"] = "2000";
  auto producer = make_producer(std::move(opts));
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(producer->send({.topic = topic, .value = "v"}).get().ok());
  EXPECT_FALSE(producer->send({.topic = topic, .value = std::string(5000, 'x')}).get().ok());
  ASSERT_TRUE(meters->force_flush());
  const auto sent = store->last_metric("messaging.client.sent.messages");
  ASSERT_TRUE(sent.has_value());
  std::int64_t ok = 0, failed = 0;
  for (const auto& point : sent->number_points) {
    bool has_error = false;
    for (const auto& attribute : point.attributes) has_error |= attribute.key == "error.type";
    (has_error ? failed : ok) += std::get<std::int64_t>(point.value);
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(failed, 1);
  const auto duration = store->last_metric("messaging.client.operation.duration");
  ASSERT_TRUE(duration.has_value());
  std::uint64_t count = 0;
  for (const auto& point : duration->histogram_points) count += point.count;
  EXPECT_EQ(count, 4u);
}

TEST_F(ProducerTest, InvalidConfigurationNamesTheProperty) {
  auto opts = options();
  opts.properties["acks"] = "sometimes";
  auto created = kafka::TracedProducer::create(std::move(opts));
  EXPECT_FALSE(created);
  EXPECT_NE(created.error.find("acks"), std::string::npos) << created.error;
  EXPECT_FALSE(kafka::TracedProducer::create({}));  // no bootstrap servers
}

TEST_F(ProducerTest, KcatSeesTheTraceHeaders) {
  if (std::system("command -v kcat > /dev/null 2>&1") != 0) GTEST_SKIP() << "kcat not installed";
  const std::string topic = unique_topic_name("producer-kcat");
  ASSERT_TRUE(create_topic(topic, 1));
  auto producer = make_producer(options());
  ASSERT_TRUE(producer->send({.topic = topic, .value = "hello"}).get().ok());
  const std::string command = "kcat -C -b '" + bootstrap_servers() + "' -t " + topic +
                              " -o beginning -c 1 -e -q -f '%h|%s\\n' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << output;
  const auto spans = tracing_.spans_named("send " + topic);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_NE(output.find("traceparent=" + traceparent_of(spans[0].context)), std::string::npos)
      << output;
  EXPECT_NE(output.find("|hello"), std::string::npos) << output;
}

}  // namespace
}  // namespace kafkatrace::testing
