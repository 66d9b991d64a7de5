#include "kafkatrace/kafka/statistics.h"

#include <charconv>
#include <string>

#include "kafka/internal/json_reader.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/messaging_metrics.h"

namespace kafkatrace::kafka {
namespace {

namespace mm = otel::messaging_metrics;
using internal::JsonValue;

constexpr std::string_view kComponent = "kafka.statistics";

std::int64_t int_field(const JsonValue& object, std::string_view key, std::int64_t fallback) {
  const JsonValue* value = object.find(key);
  if (value == nullptr) return fallback;
  return value->as_int().value_or(fallback);
}

std::string string_field(const JsonValue& object, std::string_view key) {
  const JsonValue* value = object.find(key);
  return value ? std::string(value->as_string()) : std::string();
}

PartitionStatistics parse_partition(std::string_view topic, const JsonValue& object) {
  PartitionStatistics partition;
  partition.topic = std::string(topic);
  partition.partition = static_cast<std::int32_t>(int_field(object, "partition", -1));
  partition.consumer_lag = int_field(object, "consumer_lag", -1);
  partition.consumer_lag_stored = int_field(object, "consumer_lag_stored", -1);
  partition.hi_offset = int_field(object, "hi_offset", -1);
  partition.committed_offset = int_field(object, "committed_offset", -1001);
  partition.stored_offset = int_field(object, "stored_offset", -1001);
  partition.queued_messages =
      int_field(object, "msgq_cnt", 0) + int_field(object, "xmit_msgq_cnt", 0);
  partition.tx_messages = int_field(object, "txmsgs", 0);
  partition.rx_messages = int_field(object, "rxmsgs", 0);
  partition.fetch_state = string_field(object, "fetch_state");
  return partition;
}

}  // namespace

const PartitionStatistics* ClientStatistics::find(std::string_view topic,
                                                  std::int32_t partition) const noexcept {
  for (const auto& entry : partitions)
    if (entry.partition == partition && entry.topic == topic) return &entry;
  return nullptr;
}

std::optional<ClientStatistics> parse_statistics(std::string_view json) noexcept {
  try {
    const std::optional<JsonValue> root = internal::parse_json(json);
    if (!root || !root->is_object()) return std::nullopt;
    ClientStatistics stats;
    stats.name = string_field(*root, "name");
    stats.client_id = string_field(*root, "client_id");
    stats.type = string_field(*root, "type");
    stats.timestamp_us = int_field(*root, "ts", 0);
    stats.queued_messages = int_field(*root, "msg_cnt", 0);
    stats.queued_bytes = int_field(*root, "msg_size", 0);
    stats.tx_messages = int_field(*root, "txmsgs", 0);
    stats.rx_messages = int_field(*root, "rxmsgs", 0);
    if (const JsonValue* topics = root->find("topics"); topics && topics->is_object()) {
      for (const auto& [topic_key, topic] : topics->members()) {
        const JsonValue* partitions = topic.find("partitions");
        if (partitions == nullptr || !partitions->is_object()) continue;
        const std::string name = topic.find("topic") ? string_field(topic, "topic") : topic_key;
        for (const auto& [partition_key, partition] : partitions->members()) {
          if (!partition.is_object()) continue;
          PartitionStatistics entry = parse_partition(name, partition);
          if (entry.partition < 0) continue;  // -1: librdkafka's internal UA partition
          stats.partitions.push_back(std::move(entry));
        }
      }
    }
    return stats;
  } catch (...) {
    return std::nullopt;
  }
}

StatisticsBridge::StatisticsBridge(const otel::Meter& meter, StatisticsBridgeOptions options)
    : options_(std::move(options)) {
  lag_ = meter.create_observable_gauge<std::int64_t>(
      kConsumerLagMetric, [this](otel::ObservableResult& result) { observe_lag(result, false); },
      {.description = "Messages between the high watermark and the committed offset.",
       .unit = mm::kMessageUnit});
  lag_stored_ = meter.create_observable_gauge<std::int64_t>(
      kConsumerLagStoredMetric,
      [this](otel::ObservableResult& result) { observe_lag(result, true); },
      {.description = "Messages between the high watermark and the stored (processed) offset.",
       .unit = mm::kMessageUnit});
  queued_ = meter.create_observable_gauge<std::int64_t>(
      kClientQueuedMessagesMetric,
      [this](otel::ObservableResult& result) { observe_queue(result); },
      {.description = "Messages waiting in the client's queues.", .unit = mm::kMessageUnit});
}

StatisticsBridge::~StatisticsBridge() {
  queued_.reset();
  lag_stored_.reset();
  lag_.reset();
}

bool StatisticsBridge::update(std::string_view json) noexcept {
  std::optional<ClientStatistics> parsed = parse_statistics(json);
  std::shared_ptr<const ClientStatistics> snapshot;
  if (parsed) {
    try {
      snapshot = std::make_shared<const ClientStatistics>(std::move(*parsed));
    } catch (...) {
    }
  }
  std::lock_guard lock(mutex_);
  if (!snapshot) {
    if (!logged_failure_) {
      logged_failure_ = true;
      log(LogLevel::kWarning, kComponent, "librdkafka statistics did not parse; ignored");
    }
    return false;
  }
  latest_ = std::move(snapshot);
  return true;
}

std::shared_ptr<const ClientStatistics> StatisticsBridge::latest() const noexcept {
  std::lock_guard lock(mutex_);
  return latest_;
}

void StatisticsBridge::observe_lag(otel::ObservableResult& result, bool stored) const {
  const std::shared_ptr<const ClientStatistics> stats = latest();
  if (!stats) return;
  for (const auto& partition : stats->partitions) {
    const std::int64_t lag = stored ? partition.consumer_lag_stored : partition.consumer_lag;
    if (lag < 0) continue;
    char id[16];
    const auto end = std::to_chars(id, id + sizeof id, partition.partition).ptr;
    const std::string_view partition_id(id, static_cast<std::size_t>(end - id));
    if (options_.consumer_group.empty()) {
      result.observe(lag, {{mm::kSystem, mm::kSystemKafka},
                           {mm::kDestinationName, partition.topic},
                           {mm::kDestinationPartitionId, partition_id},
                           {"messaging.client.id", stats->client_id}});
    } else {
      result.observe(lag, {{mm::kSystem, mm::kSystemKafka},
                           {mm::kDestinationName, partition.topic},
                           {mm::kDestinationPartitionId, partition_id},
                           {mm::kConsumerGroupName, options_.consumer_group},
                           {"messaging.client.id", stats->client_id}});
    }
  }
}

void StatisticsBridge::observe_queue(otel::ObservableResult& result) const {
  const std::shared_ptr<const ClientStatistics> stats = latest();
  if (!stats) return;
  result.observe(stats->queued_messages,
                 {{mm::kSystem, mm::kSystemKafka}, {"messaging.client.id", stats->client_id}});
}

}  // namespace kafkatrace::kafka
