// The failure policy end to end: retries with backoff, then the dead-letter topic with the
// original record plus error headers, the trace continuing into the dead-letter send span.
#include <mutex>

#include "consumer_fixture.h"
#include "kafkatrace/kafka/dead_letter.h"

namespace kafkatrace::testing {
namespace {

using namespace std::chrono_literals;

class ConsumerDeadLetterTest : public KafkaClusterTest {
 protected:
  Telemetry telemetry_;
};

std::optional<std::string> header(const ConsumedMessage& message, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& h : message.headers)
    if (h.name == name) found = h.value.value_or("");
  return found;
}

TEST_F(ConsumerDeadLetterTest, ExhaustedMessageGoesToTheDeadLetterTopicWithItsTrace) {
  const std::string topic = unique_topic_name("dlt-source");
  const std::string dead = topic + ".dlt";
  ASSERT_TRUE(create_topic(topic, 1));
  ASSERT_TRUE(create_topic(dead, 1));
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  TestProducer producer(bootstrap_servers());
  ASSERT_EQ(producer
                .produce_one({.topic = topic,
                              .key = "poison",
                              .value = "payload",
                              .headers = {{"app", "kept"}, {"traceparent", traceparent}}})
                .error,
            RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(producer.produce_one({.topic = topic, .key = "fine", .value = "next"}).error,
            RD_KAFKA_RESP_ERR_NO_ERROR);

  auto options = consumer_options(bootstrap_servers(), topic, telemetry_);
  options.handler_retry = {.max_attempts = 3,
                           .initial_backoff = 50ms,
                           .max_backoff = 200ms,
                           .multiplier = 2.0,
                           .max_elapsed = 30s};
  options.dead_letter.topic = "{topic}.dlt";
  std::mutex mutex;
  std::vector<std::string> attempts;
  ConsumerThread running(std::move(options), [&](const kafka::ConsumedMessage& message) {
    std::lock_guard lock(mutex);
    attempts.emplace_back(message.key().value_or(""));
    if (message.key() == "poison") throw std::runtime_error("cannot bill");
  });
  ASSERT_EQ(running.error(), "");
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mutex);
    return !attempts.empty() && attempts.back() == "fine";
  }));
  const kafka::RunSummary summary = running.stop();
  EXPECT_EQ(attempts, (std::vector<std::string>{"poison", "poison", "poison", "fine"}));
  EXPECT_EQ(summary.dead_lettered, 1u);
  EXPECT_EQ(summary.failed_attempts, 3u);
  EXPECT_EQ(summary.processed, 1u);

  const auto dead_letters = consume_messages(bootstrap_servers(), dead, 1, 20s);
  ASSERT_EQ(dead_letters.size(), 1u);
  const ConsumedMessage& record = dead_letters[0];
  EXPECT_EQ(record.key, "poison");
  EXPECT_EQ(record.value, "payload");
  EXPECT_EQ(header(record, "app"), "kept");
  EXPECT_EQ(header(record, kafka::kDeadLetterOriginalTopic), topic);
  EXPECT_EQ(header(record, kafka::kDeadLetterOriginalPartition), "0");
  EXPECT_EQ(header(record, kafka::kDeadLetterOriginalOffset), "0");
  EXPECT_EQ(header(record, kafka::kDeadLetterErrorType), "std::runtime_error");
  EXPECT_EQ(header(record, kafka::kDeadLetterErrorMessage), "cannot bill");
  EXPECT_EQ(header(record, kafka::kDeadLetterAttempts), "3");
  EXPECT_EQ(header(record, kafka::kDeadLetterConsumerGroup), topic + "-group");
  EXPECT_TRUE(header(record, kafka::kDeadLetterOriginalTimestamp).has_value());

  // One trace: producer context -> 3 process spans -> dead-letter send span, whose context the
  // dead-letter record carries.
  const auto processes = telemetry_.spans_named("process " + topic);
  const auto sends = telemetry_.spans_named("send " + dead);
  ASSERT_EQ(processes.size(), 4u);
  ASSERT_EQ(sends.size(), 1u);
  int failed = 0;
  const otel::SpanData* last_failed = nullptr;
  for (const auto& span : processes) {
    if (span.status_code != otel::StatusCode::kError) continue;
    ++failed;
    EXPECT_EQ(span.context.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(span.parent_span_id.to_hex(), "00f067aa0ba902b7");
    if (string_attribute(span.attributes, "kafkatrace.consumer.attempt") == "3")
      last_failed = &span;
  }
  EXPECT_EQ(failed, 3);
  ASSERT_NE(last_failed, nullptr);
  EXPECT_EQ(sends[0].kind, otel::SpanKind::kProducer);
  EXPECT_EQ(sends[0].parent_span_id, last_failed->context.span_id);
  EXPECT_EQ(sends[0].context.trace_id, last_failed->context.trace_id);
  const auto carried = header(record, "traceparent");
  ASSERT_TRUE(carried.has_value());
  EXPECT_EQ(*carried, "00-" + sends[0].context.trace_id.to_hex() + "-" +
                          sends[0].context.span_id.to_hex() + "-01");

  std::int64_t retries = 0;
  for (const auto& metric : telemetry_.collect("kafkatrace.consumer.retries"))
    for (const auto& point : metric.number_points) retries += std::get<std::int64_t>(point.value);
  EXPECT_EQ(retries, 2);
}

TEST_F(ConsumerDeadLetterTest, RetryThatSucceedsIsCommittedWithoutDeadLetter) {
  const std::string topic = unique_topic_name("dlt-retry");
  ASSERT_TRUE(create_topic(topic, 1));
  TestProducer producer(bootstrap_servers());
  ASSERT_EQ(producer.produce_one({.topic = topic, .value = "flaky"}).error,
            RD_KAFKA_RESP_ERR_NO_ERROR);
  auto options = consumer_options(bootstrap_servers(), topic, telemetry_);
  options.dead_letter.topic = "{topic}.never";
  std::atomic<int> calls{0};
  ConsumerThread running(std::move(options), [&](const kafka::ConsumedMessage&) {
    if (++calls < 3) return kafka::HandlerResult::failure("app.flaky", "try again");
    return kafka::HandlerResult{};
  });
  ASSERT_TRUE(wait_until([&] { return calls.load() >= 3; }));
  const kafka::RunSummary summary = running.stop();
  EXPECT_EQ(summary.processed, 1u);
  EXPECT_EQ(summary.dead_lettered, 0u);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_TRUE(telemetry_.spans_named("send " + topic + ".never").empty());
  const auto processes = telemetry_.spans_named("process " + topic);
  ASSERT_EQ(processes.size(), 3u);
  EXPECT_EQ(processes[2].status_code, otel::StatusCode::kUnset);
}

}  // namespace
}  // namespace kafkatrace::testing
