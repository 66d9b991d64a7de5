// Batch consumption: a `poll {topic}` receive span and a `process {topic}` span with one link
// per message; partial batches at max_wait and at shutdown.
#include <mutex>

#include "consumer_fixture.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/messaging_metrics.h"

namespace kafkatrace::testing {
namespace {

using namespace std::chrono_literals;

class ConsumerBatchTest : public KafkaClusterTest {
 protected:
  Telemetry telemetry_;
};

std::int64_t consumed_total(const Telemetry& telemetry) {
  std::int64_t total = 0;
  for (const auto& metric : telemetry.collect("messaging.client.consumed.messages"))
    for (const auto& point : metric.number_points) total += std::get<std::int64_t>(point.value);
  return total;
}

TEST_F(ConsumerBatchTest, BatchSpanLinksEveryMessageWithPartitionAndOffset) {
  const std::string topic = unique_topic_name("batch-links");
  ASSERT_TRUE(create_topic(topic, 2));
  auto created = kafka::TracedProducer::create(
      {.bootstrap_servers = bootstrap_servers(), .tracing = telemetry_.tracing});
  ASSERT_TRUE(created) << created.error;
  std::vector<kafka::ProducerRecord> records;
  for (int i = 0; i < 5; ++i)
    records.push_back({.topic = topic, .partition = i % 2, .value = "v" + std::to_string(i)});
  for (const auto& result : created.producer->send_batch(records)) ASSERT_TRUE(result.ok());

  auto consumer =
      kafka::TracedConsumer::create(consumer_options(bootstrap_servers(), topic, telemetry_));
  ASSERT_TRUE(consumer) << consumer.error;
  std::vector<std::pair<std::int32_t, std::int64_t>> positions;
  std::size_t batches = 0;
  std::size_t largest = 0;
  ASSERT_TRUE(wait_until([&] {
    kafka::MessageBatch batch = consumer.consumer->poll_batch(5, 500ms);
    if (batch.empty()) return false;
    ++batches;
    largest = std::max(largest, batch.size());
    EXPECT_TRUE(batch.span());
    for (const auto& message : batch) positions.emplace_back(message.partition(), message.offset());
    std::this_thread::sleep_for(20ms);  // processing: from poll_batch's return to mark_processed
    consumer.consumer->mark_processed(batch);
    EXPECT_FALSE(batch.span());
    return positions.size() == 5;
  }));
  consumer.consumer->close();

  const auto sends = telemetry_.spans_named("send " + topic);
  const auto receives = telemetry_.spans_named("poll " + topic);
  const auto processes = telemetry_.spans_named("process " + topic);
  ASSERT_EQ(receives.size(), batches);
  ASSERT_EQ(processes.size(), batches);
  std::size_t links = 0;
  for (std::size_t b = 0; b < processes.size(); ++b) {
    const auto& process = processes[b];
    EXPECT_EQ(process.kind, otel::SpanKind::kConsumer);
    const auto receive = std::find_if(
        receives.begin(), receives.end(),
        [&](const otel::SpanData& r) { return r.context.span_id == process.parent_span_id; });
    ASSERT_NE(receive, receives.end()) << "process span is not a child of a receive span";
    EXPECT_EQ(receive->kind, otel::SpanKind::kClient);
    EXPECT_EQ(string_attribute(receive->attributes, "messaging.operation.type"), "receive");
    EXPECT_EQ(string_attribute(process.attributes, "messaging.batch.message_count"),
              std::to_string(process.links.size()));
    for (const auto& link : process.links) {
      ++links;
      const std::string partition =
          string_attribute(link.attributes, "messaging.destination.partition.id");
      const std::string offset = string_attribute(link.attributes, "messaging.kafka.offset");
      const auto send = std::find_if(sends.begin(), sends.end(), [&](const otel::SpanData& s) {
        return s.context.span_id == link.context.span_id;
      });
      ASSERT_NE(send, sends.end()) << "a link to no send span";
      EXPECT_EQ(string_attribute(send->attributes, "messaging.destination.partition.id"),
                partition);
      EXPECT_EQ(string_attribute(send->attributes, "messaging.kafka.offset"), offset);
    }
  }
  EXPECT_EQ(links, 5u);
  EXPECT_EQ(positions.size(), 5u);
  // One process duration per batch, each covering its processing.
  const auto durations = telemetry_.collect("messaging.process.duration");
  ASSERT_EQ(durations.size(), 1u);
  ASSERT_EQ(durations[0].histogram_points.size(), 1u);
  EXPECT_EQ(durations[0].histogram_points[0].count, batches);
  ASSERT_TRUE(durations[0].histogram_points[0].min);
  EXPECT_GE(*durations[0].histogram_points[0].min, 0.02);
}

TEST_F(ConsumerBatchTest, PartialBatchIsHandedOverWhenMaxWaitPasses) {
  const std::string topic = unique_topic_name("batch-partial");
  ASSERT_TRUE(create_topic(topic, 1));
  TestProducer producer(bootstrap_servers());
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(producer.produce_one({.topic = topic, .value = "m"}).error,
              RD_KAFKA_RESP_ERR_NO_ERROR);

  std::mutex mutex;
  std::vector<std::size_t> sizes;
  auto created =
      kafka::TracedConsumer::create(consumer_options(bootstrap_servers(), topic, telemetry_));
  ASSERT_TRUE(created) << created.error;
  kafka::TracedConsumer& consumer = *created.consumer;
  std::thread loop([&] {
    consumer.run_batch(
        [&](const kafka::MessageBatch& batch) {
          std::lock_guard lock(mutex);
          sizes.push_back(batch.size());
        },
        100, 1000ms);
  });
  const bool got = wait_until([&] {
    std::lock_guard lock(mutex);
    std::size_t total = 0;
    for (auto size : sizes) total += size;
    return total == 3;
  });
  consumer.stop();
  loop.join();
  ASSERT_TRUE(got);
  for (auto size : sizes) EXPECT_LT(size, 100u);  // handed over at max_wait, not when full
}

TEST_F(ConsumerBatchTest, BatchInProgressIsProcessedAtShutdown) {
  const std::string topic = unique_topic_name("batch-shutdown");
  ASSERT_TRUE(create_topic(topic, 1));
  std::atomic<bool> assigned{false};
  auto options = consumer_options(bootstrap_servers(), topic, telemetry_);
  options.on_rebalance = [&](const kafka::RebalanceEvent& event) {
    if (event.kind == kafka::RebalanceEvent::Kind::kAssigned) assigned = true;
  };
  auto created = kafka::TracedConsumer::create(std::move(options));
  ASSERT_TRUE(created) << created.error;
  kafka::TracedConsumer& consumer = *created.consumer;
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  kafka::RunSummary summary;
  std::thread loop([&] {
    summary = consumer.run_batch(
        [&](const kafka::MessageBatch& batch) {
          std::lock_guard lock(mutex);
          sizes.push_back(batch.size());
        },
        1000, 60s);  // neither full nor timed out before stop()
  });
  ASSERT_TRUE(wait_until([&] { return assigned.load(); }));
  TestProducer producer(bootstrap_servers());
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(producer.produce_one({.topic = topic, .value = "m"}).error,
              RD_KAFKA_RESP_ERR_NO_ERROR);
  const bool collected = wait_until([&] { return consumed_total(telemetry_) == 4; });
  consumer.stop();
  loop.join();
  ASSERT_TRUE(collected);
  ASSERT_EQ(sizes, std::vector<std::size_t>{4});
  EXPECT_EQ(summary.processed, 4u);
  const auto processes = telemetry_.spans_named("process " + topic);
  ASSERT_EQ(processes.size(), 1u);
  EXPECT_EQ(string_attribute(processes[0].attributes, "messaging.batch.message_count"), "4");
}

}  // namespace
}  // namespace kafkatrace::testing
