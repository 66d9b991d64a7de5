// TracedConsumer end to end: one trace from producer to consumer (child + link, or link only),
// the handler's spans nested under the process span, failures that never end the loop, bad
// input processed normally, poll(), stop() from a signal handler, metrics and the lag gauge; with
// tracing off, the producer's context still reaches the handler.
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "consumer_fixture.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/messaging_metrics.h"

namespace kafkatrace::testing {
namespace {

using namespace std::chrono_literals;
using otel::SpanKind;

// Polls, marking each message processed at once, until `count` messages came (or it times out).
bool poll_and_mark_processed(kafka::TracedConsumer& consumer, std::size_t count) {
  std::size_t processed = 0;
  return wait_until([&] {
    if (kafka::PollResult polled = consumer.poll(100ms); polled && polled.message) {
      consumer.mark_processed(*polled.message);
      ++processed;
    }
    return processed == count;
  });
}

class ConsumerTest : public KafkaClusterTest {
 protected:
  std::unique_ptr<kafka::TracedProducer> traced_producer() {
    auto created = kafka::TracedProducer::create(
        {.bootstrap_servers = bootstrap_servers(),
         .tracing = telemetry_.tracing,
         .metrics = otel::MessagingMetrics::create(telemetry_.meter)});
    EXPECT_TRUE(created) << created.error;
    return std::move(created.producer);
  }
  Telemetry telemetry_;
};

// Collects what the handler saw, thread-safely.
struct Seen {
  std::mutex mutex;
  std::vector<std::string> values;
  std::set<std::pair<std::int32_t, std::int64_t>> positions;
  void add(const kafka::ConsumedMessage& message) {
    std::lock_guard lock(mutex);
    values.emplace_back(message.value().value_or("<null>"));
    positions.emplace(message.partition(), message.offset());
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return values.size();
  }
};

TEST_F(ConsumerTest, ProducerToConsumerIsOneTraceWithParentLinkAndNestedHandlerSpan) {
  const std::string topic = unique_topic_name("consumer-trace");
  ASSERT_TRUE(create_topic(topic, 1));
  auto producer = traced_producer();
  ASSERT_TRUE(producer);
  for (int i = 0; i < 3; ++i) {
    auto delivered =
        producer
            ->send(
                {.topic = topic, .key = "k" + std::to_string(i), .value = "v" + std::to_string(i)})
            .get();
    ASSERT_TRUE(delivered.ok()) << delivered.error->message;
  }

  Seen seen;
  otel::Tracer app_tracer = telemetry_.tracer_provider->get_tracer("app");
  ConsumerThread running(consumer_options(bootstrap_servers(), topic, telemetry_),
                         [&](const kafka::ConsumedMessage& message) {
                           app_tracer.start_span("handle order")->end();  // current: process
                           seen.add(message);
                           return kafka::HandlerResult{};
                         });
  ASSERT_EQ(running.error(), "");
  ASSERT_TRUE(wait_until([&] { return seen.size() == 3; }));
  const kafka::RunSummary summary = running.stop();
  EXPECT_EQ(summary.processed, 3u);

  const auto sends = telemetry_.spans_named("send " + topic);
  const auto processes = telemetry_.spans_named("process " + topic);
  const auto handles = telemetry_.spans_named("handle order");
  ASSERT_EQ(sends.size(), 3u);
  ASSERT_EQ(processes.size(), 3u);
  ASSERT_EQ(handles.size(), 3u);
  for (const auto& process : processes) {
    const std::string offset = string_attribute(process.attributes, "messaging.kafka.offset");
    const auto send = std::find_if(sends.begin(), sends.end(), [&](const otel::SpanData& s) {
      return string_attribute(s.attributes, "messaging.kafka.offset") == offset;
    });
    ASSERT_NE(send, sends.end()) << "no send span for offset " << offset;
    EXPECT_EQ(process.kind, SpanKind::kConsumer);
    EXPECT_EQ(process.context.trace_id, send->context.trace_id);
    EXPECT_EQ(process.parent_span_id, send->context.span_id);
    EXPECT_TRUE(process.parent_is_remote);
    ASSERT_EQ(process.links.size(), 1u);
    EXPECT_EQ(process.links[0].context.span_id, send->context.span_id);
    EXPECT_EQ(string_attribute(process.attributes, "messaging.system"), "kafka");
    EXPECT_EQ(string_attribute(process.attributes, "messaging.operation.type"), "process");
    EXPECT_EQ(string_attribute(process.attributes, "messaging.operation.name"), "process");
    EXPECT_EQ(string_attribute(process.attributes, "messaging.destination.name"), topic);
    EXPECT_EQ(string_attribute(process.attributes, "messaging.destination.partition.id"), "0");
    EXPECT_EQ(string_attribute(process.attributes, "messaging.consumer.group.name"),
              topic + "-group");
    EXPECT_EQ(string_attribute(process.attributes, "messaging.kafka.message.key"), "k" + offset);
    EXPECT_NE(string_attribute(process.attributes, "messaging.client.id"), "<absent>");
    EXPECT_EQ(find_attribute(process.attributes, "messaging.message.body.size"), nullptr);
    const auto handle = std::find_if(handles.begin(), handles.end(), [&](const otel::SpanData& h) {
      return h.parent_span_id == process.context.span_id;
    });
    ASSERT_NE(handle, handles.end()) << "handler span not nested under process span";
    EXPECT_EQ(handle->context.trace_id, send->context.trace_id);
  }
}

TEST_F(ConsumerTest, LinkOnlyStartsANewTraceLinkedToTheProducer) {
  const std::string topic = unique_topic_name("consumer-link");
  ASSERT_TRUE(create_topic(topic, 1));
  auto producer = traced_producer();
  ASSERT_TRUE(producer);
  ASSERT_TRUE(producer->send({.topic = topic, .value = "x"}).get().ok());

  auto options = consumer_options(bootstrap_servers(), topic, telemetry_);
  options.span_parent = kafka::ProcessSpanParent::kLinkOnly;
  options.record_body_size = true;
  Seen seen;
  ConsumerThread running(std::move(options),
                         [&](const kafka::ConsumedMessage& message) { seen.add(message); });
  ASSERT_TRUE(wait_until([&] { return seen.size() == 1; }));
  running.stop();
  const auto sends = telemetry_.spans_named("send " + topic);
  const auto processes = telemetry_.spans_named("process " + topic);
  ASSERT_EQ(sends.size(), 1u);
  ASSERT_EQ(processes.size(), 1u);
  EXPECT_NE(processes[0].context.trace_id, sends[0].context.trace_id);
  EXPECT_FALSE(processes[0].parent_span_id.is_valid());
  ASSERT_EQ(processes[0].links.size(), 1u);
  EXPECT_EQ(processes[0].links[0].context.span_id, sends[0].context.span_id);
  EXPECT_EQ(string_attribute(processes[0].attributes, "messaging.message.body.size"), "1");
}

TEST_F(ConsumerTest, HandlerErrorsAndExceptionsMarkTheSpanAndTheLoopGoesOn) {
  const std::string topic = unique_topic_name("consumer-errors");
  ASSERT_TRUE(create_topic(topic, 1));
  TestProducer producer(bootstrap_servers());
  for (const char* value : {"throw", "fail", "ok"})
    ASSERT_EQ(producer.produce_one({.topic = topic, .value = value}).error,
              RD_KAFKA_RESP_ERR_NO_ERROR);

  auto options = consumer_options(bootstrap_servers(), topic, telemetry_);
  options.handler_retry.max_attempts = 1;  // no retries, no dead-letter topic: skipped
  Seen seen;
  ConsumerThread running(std::move(options), [&](const kafka::ConsumedMessage& message) {
    seen.add(message);
    if (message.value() == "throw") throw std::runtime_error("kaboom");
    if (message.value() == "fail")
      return kafka::HandlerResult::failure("app.invalid_order", "bad order", false);
    return kafka::HandlerResult{};
  });
  ASSERT_TRUE(wait_until([&] { return seen.size() == 3; }));
  const kafka::RunSummary summary = running.stop();
  EXPECT_EQ(summary.processed, 1u);
  EXPECT_EQ(summary.failed_attempts, 2u);
  EXPECT_EQ(summary.skipped, 2u);

  const auto processes = telemetry_.spans_named("process " + topic);
  ASSERT_EQ(processes.size(), 3u);
  int errors = 0;
  for (const auto& span : processes) {
    const std::string offset = string_attribute(span.attributes, "messaging.kafka.offset");
    if (offset == "2") {
      EXPECT_EQ(span.status_code, otel::StatusCode::kUnset);
      continue;
    }
    ++errors;
    EXPECT_EQ(span.status_code, otel::StatusCode::kError);
    ASSERT_EQ(span.events.size(), 1u);
    EXPECT_EQ(span.events[0].name, "exception");
    const std::string expected_type = offset == "0" ? "std::runtime_error" : "app.invalid_order";
    EXPECT_EQ(string_attribute(span.attributes, "error.type"), expected_type);
    EXPECT_EQ(string_attribute(span.events[0].attributes, "exception.type"), expected_type);
  }
  EXPECT_EQ(errors, 2);
}

TEST_F(ConsumerTest, BadInputIsProcessedNormallyWithNewTracesWhereNeeded) {
  const std::string topic = unique_topic_name("consumer-bad-input");
  ASSERT_TRUE(create_topic(topic, 1));
  const std::string first = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  const std::string second = "00-11111111111111111111111111111111-2222222222222222-01";
  const std::string non_utf8_key("\xff\xfe key", 6);
  const std::vector<TestMessage> messages{
      {.topic = topic, .key = "no-headers", .value = "a"},
      {.topic = topic,
       .key = "malformed",
       .value = "b",
       .headers = {{"traceparent", "00-zzzz-not-a-trace-01"}}},
      {.topic = topic,
       .key = "duplicated",
       .value = "c",
       .headers = {{"traceparent", first}, {"traceparent", second}}},
      {.topic = topic, .value = "d"},  // null key
      {.topic = topic, .key = "null-value"},
      {.topic = topic, .key = non_utf8_key, .value = "f"},
      {.topic = topic,
       .key = "large-header",
       .value = "g",
       .headers = {{"big", std::string(200 * 1024, 'x')}, {"traceparent", std::nullopt}}},
  };
  TestProducer producer(bootstrap_servers(), {{"message.max.bytes", "2000000"}});
  for (const auto& delivery : producer.produce(messages))
    ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(delivery.error);

  Seen seen;
  ConsumerThread running(consumer_options(bootstrap_servers(), topic, telemetry_),
                         [&](const kafka::ConsumedMessage& message) { seen.add(message); });
  ASSERT_TRUE(wait_until([&] { return seen.size() == messages.size(); }));
  running.stop();
  EXPECT_EQ(seen.values, (std::vector<std::string>{"a", "b", "c", "d", "<null>", "f", "g"}));

  const auto processes = telemetry_.spans_named("process " + topic);
  ASSERT_EQ(processes.size(), messages.size());
  std::set<std::string> trace_ids;
  for (const auto& span : processes) {
    const std::string offset = string_attribute(span.attributes, "messaging.kafka.offset");
    trace_ids.insert(span.context.trace_id.to_hex());
    if (offset == "2") {  // duplicated: the last traceparent wins
      EXPECT_EQ(span.context.trace_id.to_hex(), "11111111111111111111111111111111");
      ASSERT_EQ(span.links.size(), 1u);
    } else {
      EXPECT_FALSE(span.parent_span_id.is_valid()) << "offset " << offset;
      EXPECT_TRUE(span.links.empty()) << "offset " << offset;
    }
    if (offset == "3" || offset == "5") {  // null key, non-UTF-8 key: no key attribute
      EXPECT_EQ(find_attribute(span.attributes, "messaging.kafka.message.key"), nullptr);
    }
    if (offset == "4") {
      EXPECT_EQ(string_attribute(span.attributes, "messaging.kafka.message.tombstone"), "<other>");
    }
  }
  EXPECT_EQ(trace_ids.size(), messages.size());  // every new trace is its own
}

TEST_F(ConsumerTest, PollReturnsMessagesWithContextAndNothingOnTimeout) {
  const std::string topic = unique_topic_name("consumer-poll");
  ASSERT_TRUE(create_topic(topic, 1));
  auto producer = traced_producer();
  ASSERT_TRUE(producer);
  ASSERT_TRUE(producer->send({.topic = topic, .key = "k", .value = "polled"}).get().ok());

  auto created =
      kafka::TracedConsumer::create(consumer_options(bootstrap_servers(), topic, telemetry_));
  ASSERT_TRUE(created) << created.error;
  auto& consumer = *created.consumer;
  std::optional<kafka::ConsumedMessage> message;
  ASSERT_TRUE(wait_until([&] {
    kafka::PollResult polled = consumer.poll(100ms);
    if (polled) message = std::move(polled.message);
    return message.has_value();
  }));
  EXPECT_EQ(message->value(), "polled");
  EXPECT_EQ(message->key(), "k");
  EXPECT_TRUE(message->producer_context().span_context().is_valid());
  ASSERT_TRUE(message->span());
  EXPECT_EQ(message->context().span_context(), message->span()->context());
  const auto polled_at = std::chrono::system_clock::now();
  std::this_thread::sleep_for(50ms);  // processing: from poll's return to mark_processed
  consumer.mark_processed(*message);
  const auto marked_at = std::chrono::system_clock::now();
  EXPECT_FALSE(message->span());
  const auto empty_poll_started = std::chrono::steady_clock::now();
  EXPECT_FALSE(consumer.poll(200ms));
  // Nothing waiting: the poll waits its timeout (a first look with no timeout finds nothing).
  EXPECT_GE(std::chrono::steady_clock::now() - empty_poll_started, 150ms);
  EXPECT_EQ(consumer.commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
  message.reset();
  consumer.close();
  const auto sends = telemetry_.spans_named("send " + topic);
  const auto processes = telemetry_.spans_named("process " + topic);
  ASSERT_EQ(processes.size(), 1u);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(processes[0].parent_span_id, sends[0].context.span_id);
  // The span and the process duration cover the processing, and lie within the test's clock
  // readings (span times come from the consumer's anchored clock, within 1 ms of the wall clock).
  const auto unix_nano = [](std::chrono::system_clock::time_point time) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
  };
  EXPECT_LE(processes[0].start_time_unix_nano, unix_nano(polled_at + 1ms));
  EXPECT_GE(processes[0].end_time_unix_nano, unix_nano(polled_at + 50ms - 1ms));
  EXPECT_LE(processes[0].end_time_unix_nano, unix_nano(marked_at + 1ms));
  const auto process = telemetry_.collect("messaging.process.duration");
  ASSERT_FALSE(process.empty());
  ASSERT_EQ(process[0].histogram_points.size(), 1u);
  EXPECT_EQ(process[0].histogram_points[0].count, 1u);
  EXPECT_GE(process[0].histogram_points[0].sum, 0.05);
}

// End-to-end latency runs from the message's timestamp to its processing start; a timestamp in
// the future (a producer's clock ahead of ours) counts as zero. Both are under an hour ahead:
// brokers refuse timestamps too far ahead (log.message.timestamp.after.max.ms).
TEST_F(ConsumerTest, EndToEndLatencyIsFromTheTimestampAndNeverNegative) {
  const std::string topic = unique_topic_name("consumer-latency");
  ASSERT_TRUE(create_topic(topic, 1));
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  TestProducer producer(bootstrap_servers());
  const std::vector<TestMessage> messages{
      {.topic = topic, .value = "30 s old", .timestamp_ms = now_ms - 30'000},
      {.topic = topic, .value = "ahead", .timestamp_ms = now_ms + 600'000},
      {.topic = topic, .value = "further ahead", .timestamp_ms = now_ms + 1'800'000}};
  for (const auto& delivery : producer.produce(messages))
    ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR);

  auto created =
      kafka::TracedConsumer::create(consumer_options(bootstrap_servers(), topic, telemetry_));
  ASSERT_TRUE(created) << created.error;
  auto& consumer = *created.consumer;
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(poll_and_mark_processed(consumer, messages.size()));
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  consumer.close();
  const auto latency = telemetry_.collect("kafkatrace.consumer.end_to_end.duration");
  ASSERT_EQ(latency.size(), 1u);
  ASSERT_EQ(latency[0].histogram_points.size(), 1u);
  const auto& point = latency[0].histogram_points[0];
  EXPECT_EQ(point.count, 3u);
  EXPECT_EQ(point.min, 0.0);
  ASSERT_TRUE(point.max);
  EXPECT_GE(*point.max, 30.0);
  EXPECT_LE(*point.max, 30.0 + waited + 5.0);
  EXPECT_EQ(point.sum, *point.max);  // the two future timestamps add nothing
}

// The consumer aggregates its per-message metrics on its own thread and merges them at most a
// second later while messages flow, and before it waits: a poll that finds nothing and waits
// publishes everything recorded so far, with the consumer still open.
TEST_F(ConsumerTest, PerMessageMetricsArePublishedBeforeAPollWaits) {
  const std::string topic = unique_topic_name("consumer-metrics-flush");
  ASSERT_TRUE(create_topic(topic, 1));
  TestProducer producer(bootstrap_servers());
  const std::vector<TestMessage> messages(3, TestMessage{.topic = topic, .value = "m"});
  for (const auto& delivery : producer.produce(messages))
    ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR);

  auto created =
      kafka::TracedConsumer::create(consumer_options(bootstrap_servers(), topic, telemetry_));
  ASSERT_TRUE(created) << created.error;
  auto& consumer = *created.consumer;
  ASSERT_TRUE(poll_and_mark_processed(consumer, messages.size()));
  EXPECT_FALSE(consumer.poll(200ms).message);

  std::int64_t consumed = 0;
  for (const auto& metric : telemetry_.collect("messaging.client.consumed.messages"))
    for (const auto& point : metric.number_points) consumed += std::get<std::int64_t>(point.value);
  EXPECT_EQ(consumed, 3);
  for (const auto* name : {"messaging.client.operation.duration", "messaging.process.duration",
                           "kafkatrace.consumer.end_to_end.duration"}) {
    std::uint64_t count = 0;
    for (const auto& metric : telemetry_.collect(name))
      for (const auto& point : metric.histogram_points) count += point.count;
    EXPECT_EQ(count, 3u) << name;
  }
  consumer.close();
}

// A service with tracing off (OTEL_SDK_DISABLED) still hands the producer's context to its
// handler, as the OpenTelemetry API's no-op tracer does: the trace can continue downstream.
TEST_F(ConsumerTest, TracingOffStillCarriesTheProducersContextToTheHandler) {
  const std::string topic = unique_topic_name("consumer-off");
  ASSERT_TRUE(create_topic(topic, 1));
  auto producer = traced_producer();
  ASSERT_TRUE(producer);
  ASSERT_TRUE(producer->send({.topic = topic, .value = "untraced service"}).get().ok());
  const auto sends = telemetry_.spans_named("send " + topic);
  ASSERT_EQ(sends.size(), 1u);

  auto options = consumer_options(bootstrap_servers(), topic, telemetry_);
  const auto disabled = otel::make_noop_tracer_provider();
  options.tracing = otel::make_sdk_tracing_backend(disabled->get_tracer("kafkatrace"));
  std::mutex mutex;
  std::vector<otel::SpanContext> current, from_producer;  // as the handler saw them
  ConsumerThread running(std::move(options), [&](const kafka::ConsumedMessage& message) {
    std::lock_guard lock(mutex);
    current.push_back(otel::Context::current().span_context());
    from_producer.push_back(message.producer_context().span_context());
  });
  ASSERT_TRUE(running.error().empty()) << running.error();
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mutex);
    return !current.empty();
  }));
  running.stop();
  std::lock_guard lock(mutex);
  EXPECT_EQ(from_producer[0].trace_id, sends[0].context.trace_id);
  EXPECT_EQ(from_producer[0].span_id, sends[0].context.span_id);
  EXPECT_EQ(current[0].trace_id, sends[0].context.trace_id);
  EXPECT_TRUE(telemetry_.spans_named("process " + topic).empty());
}

std::atomic<kafka::TracedConsumer*> g_signal_target{nullptr};
extern "C" void stop_on_signal(int) {
  if (auto* consumer = g_signal_target.load()) consumer->stop();
}

TEST_F(ConsumerTest, StopFromASignalHandlerFinishesCommitsAndRecordsMetrics) {
  const std::string topic = unique_topic_name("consumer-signal");
  ASSERT_TRUE(create_topic(topic, 2));
  TestProducer producer(bootstrap_servers());
  std::vector<TestMessage> messages;
  for (int i = 0; i < 20; ++i)
    messages.push_back({.topic = topic, .key = std::to_string(i), .value = "m"});
  for (const auto& delivery : producer.produce(messages))
    ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR);

  Seen seen;
  ConsumerThread running(consumer_options(bootstrap_servers(), topic, telemetry_),
                         [&](const kafka::ConsumedMessage& message) { seen.add(message); });
  ASSERT_EQ(running.error(), "");
  ASSERT_TRUE(wait_until([&] { return seen.size() == messages.size(); }));
  g_signal_target = &running.consumer();
  const auto previous = std::signal(SIGUSR1, stop_on_signal);
  std::raise(SIGUSR1);
  ASSERT_TRUE(wait_until([&] { return running.done(); }, 10s));
  std::signal(SIGUSR1, previous);
  g_signal_target = nullptr;
  EXPECT_EQ(running.stop().processed, messages.size());

  // Everything processed was committed on the way out: the group's offsets are the ends.
  KafkaHandle reader =
      make_client(RD_KAFKA_CONSUMER, bootstrap_servers(), {{"group.id", topic + "-group"}});
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(2);
  rd_kafka_topic_partition_list_add(offsets, topic.c_str(), 0);
  rd_kafka_topic_partition_list_add(offsets, topic.c_str(), 1);
  ASSERT_EQ(rd_kafka_committed(reader.get(), offsets, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::int64_t committed = 0;
  for (int i = 0; i < offsets->cnt; ++i) committed += offsets->elems[i].offset;
  rd_kafka_topic_partition_list_destroy(offsets);
  EXPECT_EQ(committed, static_cast<std::int64_t>(messages.size()));

  const auto consumed = telemetry_.collect("messaging.client.consumed.messages");
  ASSERT_FALSE(consumed.empty());
  std::int64_t total = 0;
  for (const auto& point : consumed[0].number_points) total += std::get<std::int64_t>(point.value);
  EXPECT_EQ(total, static_cast<std::int64_t>(messages.size()));
  const auto process = telemetry_.collect("messaging.process.duration");
  ASSERT_FALSE(process.empty());
  std::uint64_t count = 0;
  for (const auto& point : process[0].histogram_points) count += point.count;
  EXPECT_EQ(count, messages.size());
  const auto latency = telemetry_.collect("kafkatrace.consumer.end_to_end.duration");
  ASSERT_FALSE(latency.empty());
  ASSERT_FALSE(latency[0].histogram_points.empty());
  EXPECT_EQ(latency[0].histogram_points[0].count, messages.size());
  EXPECT_FALSE(telemetry_.collect("kafkatrace.consumer.rebalance.partitions").empty());
}

// Two topics, interleaved: each message's span and metrics name its own topic (the consumer
// keeps per-topic state and finds a message's by the index it recorded at intake).
TEST_F(ConsumerTest, SpansAndMetricsNameEachMessagesOwnTopic) {
  const std::string first = unique_topic_name("consumer-two-a");
  const std::string second = unique_topic_name("consumer-two-b");
  ASSERT_TRUE(create_topic(first, 1));
  ASSERT_TRUE(create_topic(second, 1));
  TestProducer producer(bootstrap_servers());
  std::vector<TestMessage> messages;
  for (int i = 0; i < 12; ++i)
    messages.push_back({.topic = i % 3 == 0 ? second : first, .value = "m"});  // 8 and 4
  for (const auto& delivery : producer.produce(messages))
    ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR);

  auto options = consumer_options(bootstrap_servers(), first, telemetry_);
  options.topics = {first, second};
  Seen seen;
  ConsumerThread running(std::move(options),
                         [&](const kafka::ConsumedMessage& message) { seen.add(message); });
  ASSERT_EQ(running.error(), "");
  ASSERT_TRUE(wait_until([&] { return seen.size() == messages.size(); }));
  running.stop();

  EXPECT_EQ(telemetry_.spans_named("process " + first).size(), 8u);
  EXPECT_EQ(telemetry_.spans_named("process " + second).size(), 4u);
  for (const auto* name : {"messaging.process.duration", "kafkatrace.consumer.end_to_end.duration",
                           "messaging.client.operation.duration"}) {
    std::map<std::string, std::uint64_t> counts;
    for (const auto& metric : telemetry_.collect(name))
      for (const auto& point : metric.histogram_points)
        counts[string_attribute(point.attributes, "messaging.destination.name")] += point.count;
    EXPECT_EQ(counts[first], 8u) << name;
    EXPECT_EQ(counts[second], 4u) << name;
  }
}

TEST_F(ConsumerTest, LagGaugeMatchesAKnownBacklog) {
  const std::string topic = unique_topic_name("consumer-lag");
  ASSERT_TRUE(create_topic(topic, 1));
  constexpr int kMessages = 30;
  constexpr int kProcessed = 12;  // the handler fails from this offset on: the rest is backlog
  TestProducer producer(bootstrap_servers());
  std::vector<TestMessage> messages(kMessages, TestMessage{.topic = topic, .value = "m"});
  for (const auto& delivery : producer.produce(messages))
    ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR);

  auto options = consumer_options(bootstrap_servers(), topic, telemetry_);
  options.handler_retry = {.max_attempts = 1000,
                           .initial_backoff = 200ms,
                           .max_backoff = 200ms,
                           .multiplier = 1.0,
                           .max_elapsed = 600s};
  ConsumerThread running(std::move(options), [&](const kafka::ConsumedMessage& message) {
    if (message.offset() >= kProcessed) return kafka::HandlerResult::failure("busy", "not yet");
    return kafka::HandlerResult{};
  });
  const auto lag_of = [&](std::string_view name) -> std::optional<std::int64_t> {
    for (const auto& metric : telemetry_.collect(name))
      for (const auto& point : metric.number_points)
        if (string_attribute(point.attributes, "messaging.destination.name") == topic &&
            string_attribute(point.attributes, "messaging.destination.partition.id") == "0")
          return std::get<std::int64_t>(point.value);
    return std::nullopt;
  };
  EXPECT_TRUE(wait_until([&] {
    return lag_of(kafka::kConsumerLagMetric) == kMessages - kProcessed;
  })) << "lag "
      << lag_of(kafka::kConsumerLagMetric).value_or(-1);
  EXPECT_EQ(lag_of(kafka::kConsumerLagStoredMetric), kMessages - kProcessed);
  const auto stats = running.consumer().statistics();
  running.stop();
  ASSERT_TRUE(stats);
  const kafka::PartitionStatistics* partition = stats->find(topic, 0);
  ASSERT_NE(partition, nullptr);
  EXPECT_EQ(partition->hi_offset, kMessages);
}

}  // namespace
}  // namespace kafkatrace::testing
