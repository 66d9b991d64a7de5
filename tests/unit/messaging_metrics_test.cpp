// The messaging metrics are created with the semantic conventions' names, instrument types,
// units, descriptions and duration bucket boundaries.
#include "kafkatrace/otel/messaging_metrics.h"

#include <gtest/gtest.h>

#include "support/meter_harness.h"

namespace kafkatrace::otel {
namespace {

using testing::find_histogram_point;
using testing::find_metric;
using testing::find_point;
using testing::int_value;
using testing::MetricsHarness;
namespace mm = messaging_metrics;

const std::vector<double> kBoundaries{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                      0.5,   0.75, 1,     2.5,  5,     7.5, 10};

TEST(MessagingMetricsTest, NamesUnitsDescriptionsAndTypes) {
  MetricsHarness harness;
  auto metrics = MessagingMetrics::create(harness.meter);
  const MetricAttribute send[] = {{mm::kSystem, mm::kSystemKafka},
                                  {mm::kOperationName, "send"},
                                  {mm::kOperationType, "send"},
                                  {mm::kDestinationName, "orders"}};
  metrics.client_operation_duration.record(0.01, send);
  metrics.client_sent_messages.add(1, {{mm::kSystem, mm::kSystemKafka},
                                       {mm::kOperationName, "send"},
                                       {mm::kDestinationName, "orders"}});
  metrics.client_consumed_messages.add(3, {{mm::kSystem, mm::kSystemKafka},
                                           {mm::kOperationName, "poll"},
                                           {mm::kDestinationName, "orders"},
                                           {mm::kConsumerGroupName, "billing"}});
  metrics.process_duration.record(0.2, {{mm::kSystem, mm::kSystemKafka},
                                        {mm::kOperationName, "process"},
                                        {mm::kErrorType, "timeout"}});
  const auto collected = harness.collect();

  const MetricData* duration = find_metric(collected, "messaging.client.operation.duration");
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ(duration->type, MetricData::Type::kHistogram);
  EXPECT_EQ(duration->unit, "s");
  EXPECT_EQ(duration->description,
            "Duration of messaging operation initiated by a producer or consumer client.");
  ASSERT_EQ(duration->histogram_points.size(), 1u);
  EXPECT_EQ(duration->histogram_points[0].explicit_bounds, kBoundaries);
  EXPECT_EQ(duration->histogram_points[0].bucket_counts[1], 1u);  // 0.01 closes (0.005, 0.01]

  const MetricData* sent = find_metric(collected, "messaging.client.sent.messages");
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(sent->type, MetricData::Type::kSum);
  EXPECT_TRUE(sent->is_monotonic);
  EXPECT_EQ(sent->unit, "{message}");
  EXPECT_EQ(sent->description, "Number of messages producer attempted to send to the broker.");
  EXPECT_EQ(int_value(find_point(sent, {{"messaging.system", std::string("kafka")},
                                        {"messaging.operation.name", std::string("send")},
                                        {"messaging.destination.name", std::string("orders")}})),
            1);

  const MetricData* consumed = find_metric(collected, "messaging.client.consumed.messages");
  ASSERT_NE(consumed, nullptr);
  EXPECT_EQ(consumed->unit, "{message}");
  EXPECT_TRUE(consumed->is_monotonic);
  EXPECT_EQ(consumed->description, "Number of messages that were delivered to the application.");
  EXPECT_EQ(int_value(&consumed->number_points.at(0)), 3);

  const MetricData* process = find_metric(collected, "messaging.process.duration");
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(process->type, MetricData::Type::kHistogram);
  EXPECT_EQ(process->unit, "s");
  EXPECT_EQ(process->description, "Duration of processing operation.");
  const auto* point =
      find_histogram_point(process, {{"messaging.system", std::string("kafka")},
                                     {"messaging.operation.name", std::string("process")},
                                     {"error.type", std::string("timeout")}});
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->explicit_bounds, kBoundaries);
}

TEST(MessagingMetricsTest, AttributeKeysMatchTheConventions) {
  EXPECT_EQ(mm::kSystem, "messaging.system");
  EXPECT_EQ(mm::kOperationName, "messaging.operation.name");
  EXPECT_EQ(mm::kOperationType, "messaging.operation.type");
  EXPECT_EQ(mm::kDestinationName, "messaging.destination.name");
  EXPECT_EQ(mm::kConsumerGroupName, "messaging.consumer.group.name");
  EXPECT_EQ(mm::kErrorType, "error.type");
  EXPECT_EQ(mm::kDestinationPartitionId, "messaging.destination.partition.id");
}

TEST(MessagingMetricsTest, DefaultAndNoOpMeterGiveNoOpInstruments) {
  MessagingMetrics unset;
  unset.client_sent_messages.add(1);
  auto metrics = MessagingMetrics::create(Meter{});
  EXPECT_FALSE(metrics.client_operation_duration.enabled());
  EXPECT_FALSE(metrics.process_duration.enabled());
}

TEST(MessagingMetricsTest, CreatingTwiceSharesTheStreams) {
  MetricsHarness harness;
  auto first = MessagingMetrics::create(harness.meter);
  auto second = MessagingMetrics::create(harness.meter);
  first.client_sent_messages.add(1);
  second.client_sent_messages.add(1);
  const auto collected = harness.collect();
  EXPECT_EQ(int_value(find_point(find_metric(collected, "messaging.client.sent.messages"), {})), 2);
  EXPECT_EQ(collected.scope_metrics.at(0).metrics.size(), 1u);
}

}  // namespace
}  // namespace kafkatrace::otel
