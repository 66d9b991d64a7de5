#include "test_cluster.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace kafkatrace::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Cluster {
  std::unique_ptr<kafka::EmbeddedBroker> broker;  // null on a real broker
  std::string bootstrap;
  std::string error;  // why there is no cluster
};

Cluster start_cluster() {
  Cluster cluster;
  if (const char* file = std::getenv("KAFKATRACE_TEST_BOOTSTRAP_FILE")) {
    std::ifstream in(file);
    std::getline(in, cluster.bootstrap);
    std::erase_if(cluster.bootstrap, [](unsigned char c) { return std::isspace(c); });
    if (cluster.bootstrap.empty()) {
      cluster.error = std::string("KAFKATRACE_TEST_BOOTSTRAP_FILE=") + file +
                      ": missing, unreadable or empty (expected a bootstrap address)";
    }
    return cluster;
  }
  auto started = kafka::EmbeddedBroker::start({.brokers = 3});
  cluster.error = started ? "" : "cannot start the embedded broker: " + started.error;
  cluster.broker = std::move(started.broker);
  if (cluster.broker) cluster.bootstrap = cluster.broker->bootstrap_servers();
  return cluster;
}

Cluster& cluster() {
  static Cluster instance = start_cluster();
  return instance;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

std::optional<std::string> bytes(const void* data, std::size_t size) {
  if (data == nullptr) return std::nullopt;
  return std::string(static_cast<const char*>(data), size);
}

std::vector<TestHeader> read_headers(const rd_kafka_message_t* message) {
  std::vector<TestHeader> result;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return result;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; !rd_kafka_header_get_all(headers, i, &name, &value, &size); ++i) {
    result.push_back({name, bytes(value, size)});
  }
  return result;
}

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using Conf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

Conf make_conf(rd_kafka_type_t type, const std::string& bootstrap, const ConfigMap& config) {
  Conf conf(rd_kafka_conf_new());
  ConfigMap all{{"bootstrap.servers", bootstrap}};
  if (type == RD_KAFKA_CONSUMER) all.emplace_back("auto.offset.reset", "earliest");
  all.insert(all.end(), config.begin(), config.end());
  char error[512] = "";
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), error, sizeof error)) {
      throw std::runtime_error(name + "=" + value + ": " + error);
    }
  }
  return conf;
}

KafkaHandle new_handle(rd_kafka_type_t type, Conf conf) {
  char error[512] = "";
  KafkaHandle handle(rd_kafka_new(type, conf.get(), error, sizeof error));
  if (!handle) throw std::runtime_error(std::string("rd_kafka_new: ") + error);
  conf.release();  // owned by the handle now
  return handle;
}

// True once the topic's metadata lists `partitions` partitions, each with a leader.
bool topic_ready(rd_kafka_t* client, const std::string& name, int partitions) {
  rd_kafka_topic_t* topic = rd_kafka_topic_new(client, name.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  const bool got = !rd_kafka_metadata(client, 0, topic, &metadata, 2000);
  rd_kafka_topic_destroy(topic);
  if (!got) return false;
  bool ready = metadata->topic_cnt == 1 && !metadata->topics[0].err &&
               metadata->topics[0].partition_cnt == partitions;
  for (int i = 0; ready && i < partitions; ++i)
    ready = metadata->topics[0].partitions[i].leader >= 0;
  rd_kafka_metadata_destroy(metadata);
  return ready;
}

::testing::AssertionResult create_real_topic(const std::string& name, int partitions) {
  const auto deadline = Clock::now() + 30s;
  KafkaHandle admin = make_client(RD_KAFKA_PRODUCER, cluster().bootstrap);
  char text[512] = "";
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(name.c_str(), partitions, 1, text, sizeof text);
  if (topic == nullptr) return ::testing::AssertionFailure() << "NewTopic " << name << ": " << text;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(admin.get());
  rd_kafka_CreateTopics(admin.get(), &topic, 1, nullptr, queue);
  rd_kafka_NewTopic_destroy(topic);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, remaining_ms(deadline));
  rd_kafka_queue_destroy(queue);
  if (event == nullptr)
    return ::testing::AssertionFailure() << "CreateTopics " << name << " timed out";
  rd_kafka_resp_err_t error = rd_kafka_event_error(event);
  std::size_t count = 0;
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
  const rd_kafka_topic_result_t** topics =
      result ? rd_kafka_CreateTopics_result_topics(result, &count) : nullptr;
  if (!error && count == 1) error = rd_kafka_topic_result_error(topics[0]);
  rd_kafka_event_destroy(event);
  if (error && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return ::testing::AssertionFailure()
           << "CreateTopics " << name << ": " << rd_kafka_err2str(error);
  }
  while (!topic_ready(admin.get(), name, partitions)) {
    if (Clock::now() >= deadline)
      return ::testing::AssertionFailure() << name << " not ready in 30 s";
    rd_kafka_poll(admin.get(), 100);  // paces the metadata requests
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

KafkaHandle make_client(rd_kafka_type_t type, const std::string& bootstrap,
                        const ConfigMap& config) {
  return new_handle(type, make_conf(type, bootstrap, config));
}

TestProducer::TestProducer(const std::string& bootstrap, const ConfigMap& config) {
  Conf conf = make_conf(RD_KAFKA_PRODUCER, bootstrap, config);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &TestProducer::on_delivery);
  rd_kafka_conf_set_opaque(conf.get(), this);
  handle_ = new_handle(RD_KAFKA_PRODUCER, std::move(conf));
}

// Runs inside rd_kafka_poll on the test's thread.
void TestProducer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  const auto number = reinterpret_cast<std::uintptr_t>(message->_private);
  static_cast<TestProducer*>(opaque)->reports_[number] =
      Delivery{message->err, message->partition, message->offset};
}

std::vector<Delivery> TestProducer::produce(const std::vector<TestMessage>& messages,
                                            std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::vector<Delivery> results(messages.size());
  std::vector<std::uint64_t> numbers(messages.size(), 0);  // 0: refused, no report to wait for
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const TestMessage& message = messages[i];
    std::vector<rd_kafka_vu_t> fields;
    auto add = [&fields](rd_kafka_vtype_t type) -> auto& {
      return fields.emplace_back(rd_kafka_vu_t{type, {}}).u;
    };
    add(RD_KAFKA_VTYPE_TOPIC).cstr = message.topic.c_str();
    add(RD_KAFKA_VTYPE_PARTITION).i32 = message.partition;
    add(RD_KAFKA_VTYPE_MSGFLAGS).i = RD_KAFKA_MSG_F_COPY;
    add(RD_KAFKA_VTYPE_OPAQUE).ptr = reinterpret_cast<void*>(std::uintptr_t{next_number_});
    if (message.timestamp_ms != 0) add(RD_KAFKA_VTYPE_TIMESTAMP).i64 = message.timestamp_ms;
    for (const auto& [type, data] : {std::pair{RD_KAFKA_VTYPE_KEY, &message.key},
                                     std::pair{RD_KAFKA_VTYPE_VALUE, &message.value}}) {
      if (!data->has_value()) continue;  // absent: a null key or value
      auto& mem = add(type).mem;
      mem.ptr = const_cast<char*>((*data)->data());  // copied: RD_KAFKA_MSG_F_COPY
      mem.size = (*data)->size();
    }
    for (const TestHeader& header : message.headers) {
      auto& field = add(RD_KAFKA_VTYPE_HEADER).header;
      field.name = header.name.c_str();
      field.val = header.value ? header.value->data() : nullptr;
      field.size = header.value ? static_cast<ssize_t>(header.value->size()) : 0;
    }
    if (rd_kafka_error_t* error = rd_kafka_produceva(handle_.get(), fields.data(), fields.size())) {
      results[i].error = rd_kafka_error_code(error);
      rd_kafka_error_destroy(error);
    } else {
      numbers[i] = next_number_++;
    }
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    while (numbers[i] != 0 && !reports_.contains(numbers[i]) && Clock::now() < deadline) {
      rd_kafka_poll(handle_.get(), std::min(100, remaining_ms(deadline)));
    }
    if (auto report = reports_.extract(numbers[i])) results[i] = report.mapped();
  }
  return results;
}

Delivery TestProducer::produce_one(const TestMessage& message, std::chrono::milliseconds timeout) {
  return produce({message}, timeout).front();
}

std::vector<ConsumedMessage> consume_messages(const std::string& bootstrap,
                                              const std::string& topic, std::size_t count,
                                              std::chrono::milliseconds timeout,
                                              const ConfigMap& config) {
  const auto deadline = Clock::now() + timeout;
  ConfigMap all{{"group.id", "kafkatrace-test-" + topic}};
  all.insert(all.end(), config.begin(), config.end());
  KafkaHandle consumer = make_client(RD_KAFKA_CONSUMER, bootstrap, all);
  rd_kafka_poll_set_consumer(consumer.get());
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t subscribed = rd_kafka_subscribe(consumer.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (subscribed)
    throw std::runtime_error(std::string("subscribe: ") + rd_kafka_err2str(subscribed));
  std::vector<ConsumedMessage> received;
  std::string last_error = "none";
  while (received.size() < count && Clock::now() < deadline) {
    rd_kafka_message_t* message =
        rd_kafka_consumer_poll(consumer.get(), std::min(200, remaining_ms(deadline)));
    if (message == nullptr) continue;
    if (message->err) {
      last_error = rd_kafka_message_errstr(message);
    } else {
      received.push_back({rd_kafka_topic_name(message->rkt), message->partition, message->offset,
                          bytes(message->key, message->key_len),
                          bytes(message->payload, message->len), read_headers(message)});
    }
    rd_kafka_message_destroy(message);
  }
  if (received.size() < count) {
    ADD_FAILURE() << "consumed " << received.size() << " of " << count << " messages from " << topic
                  << " in " << timeout.count() << " ms; last error: " << last_error;
  }
  rd_kafka_consumer_close(consumer.get());
  return received;
}

void KafkaClusterTest::SetUp() {
  ASSERT_TRUE(cluster().error.empty()) << cluster().error;
}

void KafkaClusterTest::TearDown() {
  if (kafka::EmbeddedBroker* broker = embedded()) {
    EXPECT_EQ(broker->reset_faults(), RD_KAFKA_RESP_ERR_NO_ERROR) << "undoing injected faults";
  }
}

const std::string& KafkaClusterTest::bootstrap_servers() {
  return cluster().bootstrap;
}
bool KafkaClusterTest::is_embedded() {
  return embedded() != nullptr;
}
kafka::EmbeddedBroker* KafkaClusterTest::embedded() {
  return cluster().broker.get();
}

std::string KafkaClusterTest::unique_topic_name(std::string_view prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() & 0xffffffu;
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, "-%d-%d-%06x", static_cast<int>(::getpid()), ++counter,
                salt);
  return std::string(prefix) + suffix;
}

::testing::AssertionResult KafkaClusterTest::create_topic(const std::string& name, int partitions) {
  kafka::EmbeddedBroker* broker = embedded();
  if (broker == nullptr) return create_real_topic(name, partitions);
  const rd_kafka_resp_err_t error = broker->create_topic(name, partitions);
  if (!error) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "create_topic " << name << ": " << rd_kafka_err2str(error);
}

}  // namespace kafkatrace::testing
