// TracedProducer's RetryPolicy against the embedded broker: attempts and elapsed-time limits,
// one span per attempt, and the record carrying the context of the attempt that delivered it.
// (The policy's pure functions are covered by tests/unit/kafka_retry_test.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/kafka/semconv.h"
#include "producer_test_support.h"

namespace kafkatrace::testing {
namespace {

namespace sc = kafka::semconv;
using kafka::DeliveryResult;
using Clock = std::chrono::steady_clock;

class ProducerRetryTest : public KafkaClusterTest {
 protected:
  void SetUp() override {
    KafkaClusterTest::SetUp();
    if (!is_embedded()) GTEST_SKIP() << "needs fault injection";
  }

  // Every attempt times out after 500 ms while the brokers are down: librdkafka reports the
  // record as certainly not stored, which is what the policy retries.
  std::unique_ptr<kafka::TracedProducer> producer(kafka::RetryPolicy policy) {
    return make_producer({.bootstrap_servers = bootstrap_servers(),
                          .properties = {{"message.timeout.ms", "500"}},
                          .tracing = tracing_.backend,
                          .retry = policy});
  }

  void all_brokers(bool up) {
    for (int id = 1; id <= embedded()->broker_count(); ++id) {
      ASSERT_EQ(up ? embedded()->set_broker_up(id) : embedded()->set_broker_down(id),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }

  // The attempt spans, in attempt order.
  std::vector<otel::SpanData> attempts(const std::string& topic) {
    auto spans = tracing_.spans_named("send " + topic);
    std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
      return a.start_time_unix_nano < b.start_time_unix_nano;
    });
    return spans;
  }

  TestTracing tracing_;
};

TEST_F(ProducerRetryTest, GivesUpAfterMaxAttemptsWithASpanPerAttempt) {
  const std::string topic = unique_topic_name("retry-attempts");
  ASSERT_TRUE(create_topic(topic, 1));
  all_brokers(false);
  auto sender = producer({.max_attempts = 3,
                          .initial_backoff = std::chrono::milliseconds(100),
                          .max_backoff = std::chrono::milliseconds(200)});
  auto parent = tracing_.backend->start_span("parent", {});
  const auto start = Clock::now();
  const DeliveryResult result =
      sender
          ->send({.topic = topic, .value = "v"},
                 {.parent = tracing_.backend->context_with_span(otel::Context{}, parent)})
          .get();
  const auto took = Clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
  EXPECT_EQ(result.attempts, 3);
  // 3 timeouts of 500 ms plus two backoffs of at most 100 and 200 ms.
  EXPECT_GE(took, std::chrono::milliseconds(1400));
  EXPECT_LT(took, std::chrono::milliseconds(1500 + 300 + 2000));

  const auto spans = attempts(topic);
  ASSERT_EQ(spans.size(), 3u);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(spans[i].parent_span_id, parent->context().span_id);  // siblings
    EXPECT_EQ(spans[i].status_code, otel::StatusCode::kError);
    EXPECT_EQ(string_attribute(spans[i], sc::kErrorType), "_MSG_TIMED_OUT");
    if (i == 0) {
      EXPECT_FALSE(int_attribute(spans[i], "kafkatrace.send.attempt").has_value());
      EXPECT_TRUE(spans[i].links.empty());
    } else {
      EXPECT_EQ(int_attribute(spans[i], "kafkatrace.send.attempt"), static_cast<int>(i + 1));
      ASSERT_EQ(spans[i].links.size(), 1u);
      EXPECT_EQ(spans[i].links[0].context.span_id, spans[i - 1].context.span_id);
    }
    const bool retried = i + 1 < spans.size();
    EXPECT_EQ(spans[i].events.size(), retried ? 1u : 0u);
  }
  parent->end(std::nullopt);
}

TEST_F(ProducerRetryTest, MaxElapsedStopsRetriesEarly) {
  const std::string topic = unique_topic_name("retry-elapsed");
  ASSERT_TRUE(create_topic(topic, 1));
  all_brokers(false);
  // Attempts take 0.5-1.5 s each (librdkafka scans for timed-out records about once a second),
  // so the time budget, not max_attempts, ends this; no attempt may start after it.
  constexpr auto kBudget = std::chrono::milliseconds(2500);
  auto sender = producer({.max_attempts = 50,
                          .initial_backoff = std::chrono::milliseconds(50),
                          .max_backoff = std::chrono::milliseconds(50),
                          .max_elapsed = kBudget});
  const DeliveryResult result = sender->send({.topic = topic, .value = "v"}).get();
  ASSERT_FALSE(result.ok());
  EXPECT_GT(result.attempts, 1);
  EXPECT_LT(result.attempts, 50);
  const auto spans = attempts(topic);
  ASSERT_EQ(spans.size(), static_cast<std::size_t>(result.attempts));
  EXPECT_LE(spans.back().start_time_unix_nano - spans.front().start_time_unix_nano,
            static_cast<std::uint64_t>(std::chrono::nanoseconds(kBudget).count()));

  // A zero budget turns retries off.
  tracing_.store->clear();
  auto no_budget = producer({.max_attempts = 50, .max_elapsed = std::chrono::milliseconds(0)});
  EXPECT_EQ(no_budget->send({.topic = topic, .value = "v"}).get().attempts, 1);
  EXPECT_EQ(attempts(topic).size(), 1u);
}

TEST_F(ProducerRetryTest, NonRetriableErrorsAreNotRetried) {
  const std::string topic = unique_topic_name("retry-fatal");
  ASSERT_TRUE(create_topic(topic, 1));
  auto sender = make_producer({.bootstrap_servers = bootstrap_servers(),
                               .properties = {{"message.max.bytes", "2000"}},
                               .tracing = tracing_.backend,
                               .retry = {.max_attempts = 5}});
  const DeliveryResult result =
      sender->send({.topic = topic, .value = std::string(5000, 'x')}).get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(attempts(topic).size(), 1u);
}

TEST_F(ProducerRetryTest, RetrySucceedsOnceBrokersReturnAndCarriesItsOwnContext) {
  const std::string topic = unique_topic_name("retry-recovers");
  ASSERT_TRUE(create_topic(topic, 1));
  auto sender = producer({.max_attempts = 20,
                          .initial_backoff = std::chrono::milliseconds(50),
                          .max_backoff = std::chrono::milliseconds(100)});
  ASSERT_TRUE(sender->send({.topic = topic, .value = "warm-up"}).get().ok());
  tracing_.store->clear();
  all_brokers(false);
  auto future = sender->send({.topic = topic, .value = "retried"});
  // Bring the brokers back once the first attempt has failed (its span is exported).
  const auto deadline = Clock::now() + 20s;
  while (tracing_.spans_named("send " + topic).empty() && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  all_brokers(true);
  const DeliveryResult result = future.get();
  ASSERT_TRUE(result.ok()) << result.error->name;
  EXPECT_GE(result.attempts, 2);

  const auto spans = attempts(topic);
  ASSERT_EQ(spans.size(), static_cast<std::size_t>(result.attempts));
  EXPECT_EQ(spans.back().status_code, otel::StatusCode::kUnset);
  EXPECT_EQ(int_attribute(spans.back(), sc::kMessagingKafkaOffset), result.offset);
  const auto consumed = consume_messages(bootstrap_servers(), topic, 2);
  ASSERT_EQ(consumed.size(), 2u);  // warm-up and the retried record, once each
  EXPECT_EQ(consumed[1].value, "retried");
  EXPECT_EQ(last_header(consumed[1], "traceparent"), traceparent_of(spans.back().context));
}

}  // namespace
}  // namespace kafkatrace::testing
