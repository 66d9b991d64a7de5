// librdkafka statistics as metrics: parse the JSON that librdkafka emits every
// `statistics.interval.ms` (its stats_cb) and report consumer lag per partition, and the
// client's queue depth, as observable gauges. One module for the consumer and the producer.
//
//   kafkatrace::kafka::StatisticsBridge bridge(meter, {.consumer_group = "billing"});
//   rd_kafka_conf_set_stats_cb(conf, ...);   // in it: bridge.update({json, json_len});
//   auto parsed = kafkatrace::kafka::parse_statistics(json);  // or use the parser alone
//
// Gauges (names are kafkatrace's own: the semantic conventions define no lag metric yet):
// | kafkatrace.consumer.lag         | {message} | hi (or last stable) offset - committed offset
// | kafkatrace.consumer.lag.stored  | {message} | hi (or last stable) offset - stored offset
// | kafkatrace.client.queued.messages | {message} | messages in the client's queues (msg_cnt)
// Lag attributes: messaging.system, messaging.destination.name,
// messaging.destination.partition.id, messaging.consumer.group.name (when set),
// messaging.client.id. Partitions whose lag librdkafka reports as unknown (-1: nothing
// committed/stored yet, or no high watermark yet) and the internal partition -1 are left out.
// Values are those of the most recent statistics; a client that stops emitting keeps its last
// values until the bridge is destroyed.
//
// Threading: update() may be called from any thread (librdkafka calls stats_cb on the thread
// that polls); the gauges' callbacks run on the metric collection thread. Cost: update() parses
// the whole document (tens of µs for a few partitions); it never throws.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/instruments.h"
#include "kafkatrace/otel/meter.h"

namespace kafkatrace::kafka {

inline constexpr std::string_view kConsumerLagMetric = "kafkatrace.consumer.lag";
inline constexpr std::string_view kConsumerLagStoredMetric = "kafkatrace.consumer.lag.stored";
inline constexpr std::string_view kClientQueuedMessagesMetric = "kafkatrace.client.queued.messages";

// One partition of the `topics.*.partitions.*` objects. Offsets are librdkafka's (-1001 for
// "invalid"); lags are -1 when unknown.
struct PartitionStatistics {
  std::string topic{};
  std::int32_t partition = -1;
  std::int64_t consumer_lag = -1;
  std::int64_t consumer_lag_stored = -1;
  std::int64_t hi_offset = -1;
  std::int64_t committed_offset = -1001;
  std::int64_t stored_offset = -1001;
  std::int64_t queued_messages = 0;  // msgq_cnt + xmit_msgq_cnt (producer side)
  std::int64_t tx_messages = 0;
  std::int64_t rx_messages = 0;
  std::string fetch_state{};
};

// The top-level fields kafkatrace uses, and every real partition (not -1).
struct ClientStatistics {
  std::string name{};
  std::string client_id{};
  std::string type{};                // "producer" or "consumer"
  std::int64_t timestamp_us = 0;     // librdkafka's monotonic clock ("ts")
  std::int64_t queued_messages = 0;  // msg_cnt
  std::int64_t queued_bytes = 0;     // msg_size
  std::int64_t tx_messages = 0;
  std::int64_t rx_messages = 0;
  std::vector<PartitionStatistics> partitions{};

  // The partition's entry, or null.
  const PartitionStatistics* find(std::string_view topic, std::int32_t partition) const noexcept;
};

// Nullopt when `json` is not a JSON object. Missing fields keep their defaults. Never throws.
std::optional<ClientStatistics> parse_statistics(std::string_view json) noexcept;

struct StatisticsBridgeOptions {
  std::string consumer_group{};  // messaging.consumer.group.name on the lag gauges (if set)
};

class StatisticsBridge final {
 public:
  // Registers the gauges on `meter` (a no-op meter registers nothing; update still parses).
  explicit StatisticsBridge(const otel::Meter& meter, StatisticsBridgeOptions options = {});
  ~StatisticsBridge();
  StatisticsBridge(const StatisticsBridge&) = delete;
  StatisticsBridge& operator=(const StatisticsBridge&) = delete;

  // Parses and keeps `json` as the latest statistics. False (and nothing kept) when it does not
  // parse. Counted failures are logged once.
  bool update(std::string_view json) noexcept;
  // The latest parsed statistics (shared, immutable), or null before the first update.
  std::shared_ptr<const ClientStatistics> latest() const noexcept;

 private:
  void observe_lag(otel::ObservableResult& result, bool stored) const;
  void observe_queue(otel::ObservableResult& result) const;

  StatisticsBridgeOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const ClientStatistics> latest_;
  bool logged_failure_ = false;
  // Last: unregistered (waiting for a running collection) before the state above goes away.
  otel::ObservableInstrument lag_;
  otel::ObservableInstrument lag_stored_;
  otel::ObservableInstrument queued_;
};

}  // namespace kafkatrace::kafka
