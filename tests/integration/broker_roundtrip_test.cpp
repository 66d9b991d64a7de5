// Messages with keys and headers make a full round trip through the cluster (embedded or real),
// and the embedded broker's fault injection really changes what clients see.
#include <algorithm>
#include <map>

#include "test_cluster.h"

namespace kafkatrace::testing {
namespace {

using kafka::ApiKey;
using Clock = std::chrono::steady_clock;

class BrokerRoundTripTest : public KafkaClusterTest {};

TEST_F(BrokerRoundTripTest, KeysValuesAndHeadersSurviveInPartitionOrder) {
  const std::string topic = unique_topic_name("roundtrip");
  constexpr int kPartitions = 3;
  ASSERT_TRUE(create_topic(topic, kPartitions));

  const std::string binary("\x00\x01\xfe\xff\x00 tail", 9);
  std::vector<TestMessage> messages;
  for (int round = 0; round < 3; ++round) {
    for (int partition = 0; partition < kPartitions; ++partition) {
      const std::string id = std::to_string(round) + "/" + std::to_string(partition);
      messages.push_back({.topic = topic,
                          .partition = partition,
                          .key = "key-" + id,
                          .value = "value-" + id,
                          .headers = {{"trace", "t-" + id},
                                      {"binary", binary},
                                      {"null-value", std::nullopt},
                                      {"empty", ""},
                                      {"trace", "duplicate name, kept in order"}}});
    }
  }
  messages.push_back({.topic = topic, .partition = 0, .key = "no-headers", .value = "plain"});
  messages.push_back({.topic = topic, .partition = 1, .key = binary, .value = binary});
  messages.push_back({.topic = topic, .partition = 2, .headers = {{"only", "null key+value"}}});

  TestProducer producer(bootstrap_servers());
  const std::vector<Delivery> deliveries = producer.produce(messages);
  std::map<std::int32_t, std::vector<std::size_t>> sent;  // partition -> indexes, in offset order
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ASSERT_EQ(deliveries[i].error, RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_err2str(deliveries[i].error);
    ASSERT_EQ(deliveries[i].partition, messages[i].partition);
    sent[deliveries[i].partition].push_back(i);
  }
  // Offset order is not send order: without idempotence, a produce request that is retried
  // (e.g. a real broker's first request to a new topic) can land behind later ones.
  for (auto& [partition, indexes] : sent) {
    std::ranges::sort(indexes, {}, [&](std::size_t i) { return deliveries[i].offset; });
  }

  const auto received = consume_messages(bootstrap_servers(), topic, messages.size());
  ASSERT_EQ(received.size(), messages.size());
  std::map<std::int32_t, std::vector<const ConsumedMessage*>> by_partition;
  for (const ConsumedMessage& message : received)
    by_partition[message.partition].push_back(&message);
  ASSERT_EQ(by_partition.size(), sent.size());
  for (const auto& [partition, indexes] : sent) {
    const auto& got = by_partition[partition];
    ASSERT_EQ(got.size(), indexes.size()) << "partition " << partition;
    for (std::size_t n = 0; n < indexes.size(); ++n) {
      const TestMessage& expected = messages[indexes[n]];
      SCOPED_TRACE("partition " + std::to_string(partition) + " message " + std::to_string(n));
      EXPECT_EQ(got[n]->topic, topic);
      EXPECT_EQ(got[n]->offset, deliveries[indexes[n]].offset);
      EXPECT_EQ(got[n]->key, expected.key);
      EXPECT_EQ(got[n]->value, expected.value);
      EXPECT_EQ(got[n]->headers, expected.headers);
    }
  }
}

// Fault injection exists only on the embedded broker.
class BrokerFaultTest : public KafkaClusterTest {
 protected:
  void SetUp() override {
    KafkaClusterTest::SetUp();
    if (!is_embedded()) GTEST_SKIP() << "fault injection needs the embedded broker";
    topic_ = unique_topic_name("faults");
    ASSERT_TRUE(create_topic(topic_, 1));
    // Pin the leader so that faults on broker 1 hit this topic.
    ASSERT_EQ(embedded()->set_partition_leader(topic_, 0, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  TestMessage message(std::string value) const {
    return {.topic = topic_, .value = std::move(value)};
  }

  std::string topic_;
};

TEST_F(BrokerFaultTest, InjectedProduceErrorFailsTheDelivery) {
  TestProducer producer(bootstrap_servers());
  ASSERT_EQ(producer.produce_one(message("warm-up")).error, RD_KAFKA_RESP_ERR_NO_ERROR);

  // A permanent error that fails the message without marking the whole topic as failed.
  ASSERT_EQ(
      embedded()->push_request_errors(ApiKey::kProduce, {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE}),
      RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(producer.produce_one(message("rejected")).error, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  // One pushed error fails one request only.
  EXPECT_EQ(producer.produce_one(message("accepted")).error, RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_F(BrokerFaultTest, ClearedRequestErrorsAreNotInjected) {
  TestProducer producer(bootstrap_servers());
  ASSERT_EQ(producer.produce_one(message("warm-up")).error, RD_KAFKA_RESP_ERR_NO_ERROR);
  embedded()->push_request_errors(ApiKey::kProduce, {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
                                                     RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE});
  ASSERT_EQ(embedded()->clear_request_errors(ApiKey::kProduce), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(producer.produce_one(message("accepted")).error, RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_F(BrokerFaultTest, DownBrokerTimesOutDeliveryUntilItIsUpAgain) {
  TestProducer producer(bootstrap_servers(),
                        {{"message.timeout.ms", "3000"}, {"reconnect.backoff.max.ms", "200"}});
  ASSERT_EQ(producer.produce_one(message("warm-up")).error, RD_KAFKA_RESP_ERR_NO_ERROR);

  ASSERT_EQ(embedded()->set_broker_down(1), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(producer.produce_one(message("lost")).error, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);

  ASSERT_EQ(embedded()->set_broker_up(1), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(producer.produce_one(message("delivered"), 15s).error, RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_F(BrokerFaultTest, RoundTripTimeDelaysDelivery) {
  TestProducer producer(bootstrap_servers());
  ASSERT_EQ(producer.produce_one(message("warm-up")).error, RD_KAFKA_RESP_ERR_NO_ERROR);

  constexpr auto kRoundTrip = 600ms;
  ASSERT_EQ(embedded()->set_round_trip_time(1, kRoundTrip), RD_KAFKA_RESP_ERR_NO_ERROR);
  const auto start = Clock::now();
  ASSERT_EQ(producer.produce_one(message("slow")).error, RD_KAFKA_RESP_ERR_NO_ERROR);
  // The broker holds each response for the round-trip time; allow for timer granularity.
  EXPECT_GE(Clock::now() - start, kRoundTrip - 20ms);
}

// The topic's error and partition 0's leader, as a client's metadata request sees them.
struct TopicInfo {
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR__TIMED_OUT;
  std::int32_t leader = -1;
};

TopicInfo describe(rd_kafka_t* client, const std::string& name) {
  rd_kafka_topic_t* topic = rd_kafka_topic_new(client, name.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  TopicInfo info;
  if (!rd_kafka_metadata(client, 0, topic, &metadata, 10000)) {
    if (metadata->topic_cnt == 1) {
      info.error = metadata->topics[0].err;
      if (metadata->topics[0].partition_cnt > 0)
        info.leader = metadata->topics[0].partitions[0].leader;
    }
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(topic);
  return info;
}

TEST_F(BrokerFaultTest, PartitionLeaderMovesInMetadata) {
  const KafkaHandle client = make_client(RD_KAFKA_PRODUCER, bootstrap_servers());
  EXPECT_EQ(describe(client.get(), topic_).leader, 1);
  ASSERT_EQ(embedded()->set_partition_leader(topic_, 0, 3), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(describe(client.get(), topic_).leader, 3);
  EXPECT_EQ(embedded()->set_partition_leader(topic_, 0, 42),
            RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE);
}

TEST_F(BrokerFaultTest, TopicErrorIsReportedInMetadataUntilCleared) {
  const KafkaHandle client = make_client(RD_KAFKA_PRODUCER, bootstrap_servers());
  EXPECT_EQ(describe(client.get(), topic_).error, RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(embedded()->set_topic_error(topic_, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(describe(client.get(), topic_).error, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  ASSERT_EQ(embedded()->set_topic_error(topic_, RD_KAFKA_RESP_ERR_NO_ERROR),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(describe(client.get(), topic_).error, RD_KAFKA_RESP_ERR_NO_ERROR);
}

}  // namespace
}  // namespace kafkatrace::testing
