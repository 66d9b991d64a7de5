// KafkaClusterTest: the GoogleTest fixture base of the integration tests, plus librdkafka
// client helpers they share.
//
//   class MyTest : public kafkatrace::testing::KafkaClusterTest {};
//   TEST_F(MyTest, X) { auto t = unique_topic_name("x"); ASSERT_TRUE(create_topic(t, 3)); ... }
//   ... TestProducer(bootstrap_servers()).produce(...); consume_messages(bootstrap_servers(), t,
//   n);
//
// Each test binary talks to one cluster, chosen once per process:
//  - the real Kafka broker whose bootstrap address is the first line of the file named by
//    KAFKATRACE_TEST_BOOTSTRAP_FILE, when that variable is set (ctest's `<name>.kafka` runs);
//  - otherwise an embedded broker (3 brokers, librdkafka's mock cluster) started on first use.
// Fault injection exists only on the embedded broker: tests that need it call
// `if (!is_embedded()) GTEST_SKIP() << ...;` and use embedded(). TearDown undoes the faults
// that can be undone without knowing the test (brokers up, no delay, no pending request errors).
//
// Threads: everything here runs on the test's thread. Delivery reports are served by
// TestProducer's own rd_kafka_poll calls, never from a background thread.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kafkatrace/kafka/broker.h"

namespace kafkatrace::testing {

using namespace std::chrono_literals;

// librdkafka properties as name/value pairs, applied in order.
using ConfigMap = std::vector<std::pair<std::string, std::string>>;

struct TestHeader {
  std::string name{};
  std::optional<std::string> value{};  // nullopt: a header with a null value
  friend bool operator==(const TestHeader&, const TestHeader&) = default;
};

struct TestMessage {
  std::string topic{};
  std::int32_t partition = RD_KAFKA_PARTITION_UA;  // UA: the partitioner picks
  std::optional<std::string> key{};                // nullopt: a null key
  std::optional<std::string> value{};              // nullopt: a null value
  std::vector<TestHeader> headers{};               // empty: the message carries no headers
  std::int64_t timestamp_ms = 0;                   // CreateTime; 0: the time of production
};

struct Delivery {
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR__TIMED_OUT;  // stays so if no report came
  std::int32_t partition = -1;
  std::int64_t offset = -1;
};

struct ConsumedMessage {
  std::string topic{};
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::optional<std::string> key{};
  std::optional<std::string> value{};
  std::vector<TestHeader> headers{};
};

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* handle) const noexcept { rd_kafka_destroy(handle); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

// A client with `bootstrap.servers` and `config` set, ready for anything. Consumers get
// `auto.offset.reset=earliest` unless `config` says otherwise. Throws std::runtime_error
// (which fails the test) when librdkafka rejects the configuration.
KafkaHandle make_client(rd_kafka_type_t type, const std::string& bootstrap,
                        const ConfigMap& config = {});

// A producer that waits for its own delivery reports. Not movable: librdkafka keeps `this`.
class TestProducer {
 public:
  explicit TestProducer(const std::string& bootstrap, const ConfigMap& config = {});
  TestProducer(const TestProducer&) = delete;
  TestProducer& operator=(const TestProducer&) = delete;

  // Produces every message, then polls until each has its delivery report or `timeout`
  // passes. Results are in the order of `messages`. A message librdkafka refuses at once gets
  // that error; one with no report by the deadline keeps RD_KAFKA_RESP_ERR__TIMED_OUT.
  std::vector<Delivery> produce(const std::vector<TestMessage>& messages,
                                std::chrono::milliseconds timeout = 20s);
  Delivery produce_one(const TestMessage& message, std::chrono::milliseconds timeout = 20s);

  rd_kafka_t* handle() const noexcept { return handle_.get(); }

 private:
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);

  std::unordered_map<std::uint64_t, Delivery> reports_;  // by message number
  std::uint64_t next_number_ = 1;
  KafkaHandle handle_;  // last: destroyed first, while reports_ still exists
};

// Joins a fresh consumer group on `topic` and reads from the earliest offset until `count`
// messages arrived or `timeout` passed (the first join takes about 3 s on the embedded broker).
// Returns what arrived, in arrival order (which is the offset order within each partition).
std::vector<ConsumedMessage> consume_messages(const std::string& bootstrap,
                                              const std::string& topic, std::size_t count,
                                              std::chrono::milliseconds timeout = 30s,
                                              const ConfigMap& config = {});

class KafkaClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  static const std::string& bootstrap_servers();
  static bool is_embedded();
  // The embedded broker for fault injection; nullptr on the real broker.
  static kafka::EmbeddedBroker* embedded();
  // "<prefix>-<pid>-<n>-<random>": unique across tests, processes and runs on one broker.
  static std::string unique_topic_name(std::string_view prefix);
  // Creates the topic and waits until it is usable (admin API and metadata on a real broker).
  static ::testing::AssertionResult create_topic(const std::string& name, int partitions);
};

}  // namespace kafkatrace::testing
