// librdkafka statistics: the JSON reader, parse_statistics on a document shaped like
// librdkafka 2.0's, and the lag gauges of StatisticsBridge.
#include "kafkatrace/kafka/statistics.h"

#include <gtest/gtest.h>

#include "kafka/internal/json_reader.h"
#include "kafkatrace/otel/meter_provider.h"

namespace kafkatrace::kafka {
namespace {

// The fields kafkatrace reads, in librdkafka's layout (trimmed; real documents have many more).
constexpr std::string_view kConsumerStats = R"({
  "name": "rdkafka#consumer-1", "client_id": "billing-1", "type": "consumer",
  "ts": 4317230969, "time": 1700000000, "msg_cnt": 7, "msg_size": 700,
  "txmsgs": 0, "rxmsgs": 42, "brokers": {"b1": {"name": "b1", "rtt": {"avg": 1.5e3}}},
  "topics": {
    "orders-with-a-long-name": {"topic": "orders-with-a-long-name", "age": 10,
      "batchsize": {"min": 0, "max": 0},
      "partitions": {
        "0": {"partition": 0, "msgq_cnt": 1, "xmit_msgq_cnt": 2, "hi_offset": 30,
              "committed_offset": 12, "stored_offset": 13, "consumer_lag": 18,
              "consumer_lag_stored": 17, "txmsgs": 0, "rxmsgs": 30, "fetch_state": "active"},
        "1": {"partition": 1, "hi_offset": -1001, "consumer_lag": -1,
              "consumer_lag_stored": -1, "fetch_state": "none"},
        "-1": {"partition": -1, "consumer_lag": -1, "fetch_state": "none"}}}},
  "cgrp": {"state": "up", "rebalance_reason": "tab\there \"quoted\" \u00e9 \ud83d\ude00"}
})";

TEST(JsonReaderTest, ParsesValuesEscapesAndRejectsGarbage) {
  const auto root = internal::parse_json(R"( {"a": [1, -2.5e1, true, false, null, "x\n\u00e9"],
      "big": 9007199254740993, "a": 2} )");
  ASSERT_TRUE(root);
  const internal::JsonValue* a = root->find("a");  // the first of duplicate keys
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->elements().size(), 6u);
  EXPECT_EQ(a->elements()[0].as_int(), 1);
  EXPECT_EQ(a->elements()[1].as_double(), -25.0);
  EXPECT_TRUE(a->elements()[2].as_bool());
  EXPECT_EQ(a->elements()[4].type(), internal::JsonValue::Type::kNull);
  EXPECT_EQ(a->elements()[5].as_string(), "x\n\xc3\xa9");
  EXPECT_EQ(root->find("big")->as_int(), 9007199254740993);  // exact, not via double
  for (std::string_view bad :
       {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "{} extra", "\"ctrl\x01\"", "01x"}) {
    EXPECT_FALSE(internal::parse_json(bad)) << bad;
  }
  EXPECT_FALSE(internal::parse_json(std::string(internal::kMaxJsonDepth + 2, '[') +
                                    std::string(internal::kMaxJsonDepth + 2, ']')));
}

TEST(StatisticsTest, ParsesClientAndPartitionFieldsSkippingTheInternalPartition) {
  const auto stats = parse_statistics(kConsumerStats);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->client_id, "billing-1");
  EXPECT_EQ(stats->type, "consumer");
  EXPECT_EQ(stats->timestamp_us, 4317230969);
  EXPECT_EQ(stats->queued_messages, 7);
  EXPECT_EQ(stats->rx_messages, 42);
  ASSERT_EQ(stats->partitions.size(), 2u);
  const PartitionStatistics* p0 = stats->find("orders-with-a-long-name", 0);
  ASSERT_NE(p0, nullptr);
  EXPECT_EQ(p0->consumer_lag, 18);
  EXPECT_EQ(p0->consumer_lag_stored, 17);
  EXPECT_EQ(p0->hi_offset, 30);
  EXPECT_EQ(p0->committed_offset, 12);
  EXPECT_EQ(p0->stored_offset, 13);
  EXPECT_EQ(p0->queued_messages, 3);
  EXPECT_EQ(p0->fetch_state, "active");
  EXPECT_EQ(stats->find("orders-with-a-long-name", 1)->consumer_lag, -1);
  EXPECT_EQ(stats->find("orders-with-a-long-name", -1), nullptr);
  EXPECT_FALSE(parse_statistics("[1, 2]"));
  EXPECT_FALSE(parse_statistics("{not json"));
}

TEST(StatisticsTest, BridgeReportsKnownLagsAsGauges) {
  auto provider = otel::make_meter_provider({.disabled = false});
  auto producer = provider->producer();
  StatisticsBridge bridge(provider->get_meter("kafkatrace"), {.consumer_group = "billing"});
  EXPECT_EQ(bridge.latest(), nullptr);
  EXPECT_FALSE(bridge.update("garbage"));
  ASSERT_TRUE(bridge.update(kConsumerStats));
  ASSERT_NE(bridge.latest(), nullptr);

  std::map<std::string, std::vector<otel::NumberDataPoint>> points;
  producer->collect([&](const otel::ResourceMetrics& batch) {
    for (const auto& scope : batch.scope_metrics)
      for (const auto& metric : scope.metrics) points[metric.name] = metric.number_points;
  });
  const auto attribute = [](const otel::NumberDataPoint& point, std::string_view key) {
    for (const auto& kv : point.attributes)
      if (kv.key == key) return std::get<std::string>(kv.value);
    return std::string("<absent>");
  };
  ASSERT_EQ(points[std::string(kConsumerLagMetric)].size(), 1u);  // partition 1 unknown: left out
  const auto& lag = points[std::string(kConsumerLagMetric)][0];
  EXPECT_EQ(std::get<std::int64_t>(lag.value), 18);
  EXPECT_EQ(attribute(lag, "messaging.destination.name"), "orders-with-a-long-name");
  EXPECT_EQ(attribute(lag, "messaging.destination.partition.id"), "0");
  EXPECT_EQ(attribute(lag, "messaging.consumer.group.name"), "billing");
  EXPECT_EQ(attribute(lag, "messaging.client.id"), "billing-1");
  ASSERT_EQ(points[std::string(kConsumerLagStoredMetric)].size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(points[std::string(kConsumerLagStoredMetric)][0].value), 17);
  ASSERT_EQ(points[std::string(kClientQueuedMessagesMetric)].size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(points[std::string(kClientQueuedMessagesMetric)][0].value), 7);
}

}  // namespace
}  // namespace kafkatrace::kafka
