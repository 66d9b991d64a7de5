// EmbeddedBroker: an in-process Kafka cluster (librdkafka's mock cluster) on loopback, for tests,
// demos and the `kafkatrace broker` command, with fault injection.
//
//   using kafkatrace::kafka::EmbeddedBroker;
//   auto started = EmbeddedBroker::start({.partitions = 3, .topics = {"orders"}});
//   if (started) use(started.broker->bootstrap_servers()); else report(started.error);
//
// Any librdkafka client (in this process or another, kcat included) can connect. The cluster
// runs on its own librdkafka threads; destroying the EmbeddedBroker closes every client
// connection. None of your code runs on those threads except the kafkatrace::log handler:
// librdkafka's diagnostics for the cluster go there (component "embedded_broker"), never to
// stdout.
//
// Limits inherited from librdkafka 2.0.2's mock cluster (marked experimental upstream):
//  - brokers listen on ephemeral ports; `port` is honoured by forwarding 127.0.0.1:port to the
//    first broker (see src/kafka/internal/tcp_forwarder.h). Clients bootstrap through it and
//    then talk to each broker on the ephemeral port its metadata advertises, so a client that
//    can reach only `port` (say, in a container) cannot use the cluster.
//  - a topic that a client auto-creates (by producing to or subscribing to an unknown name)
//    gets 4 partitions; `partitions` applies to `topics` and to create_topic() only.
//  - replicas per partition are min(3, brokers), whatever replication factor is asked for.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Declared in rdkafka_mock.h, which is experimental upstream and so stays out of this header.
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace kafkatrace::kafka {

// Every member has an initializer so that designated initializers may leave any out (GCC 12
// warns about omitted members without one).
struct EmbeddedBrokerOptions {
  int brokers = 1;                      // broker ids are 1..brokers
  int partitions = 1;                   // for `topics` and create_topic() without a count
  std::vector<std::string> topics{};    // created before start() returns
  int replication_factor = 1;           // clamped to `brokers`
  std::optional<std::uint16_t> port{};  // stable bootstrap port on 127.0.0.1 (1-65535)
};

// Limits enforced by validate(): generous for tests, small enough to catch typos.
inline constexpr int kMaxEmbeddedBrokers = 64;
inline constexpr int kMaxEmbeddedPartitions = 10000;

// Returns an empty string when `options` are usable, else a one-line reason naming the field.
// Does not check whether `port` is free: start() reports that.
std::string validate(const EmbeddedBrokerOptions& options);

// Kafka protocol request types, for push_request_errors(). Any other key can be cast in.
enum class ApiKey : std::int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kApiVersions = 18,
  kInitProducerId = 22,
  kAddPartitionsToTxn = 24,
  kEndTxn = 26,
};

enum class CoordinatorType { kGroup, kTransaction };

class EmbeddedBroker;

// Outcome of EmbeddedBroker::start(): a running broker, or why there is none.
struct EmbeddedBrokerResult {
  std::unique_ptr<EmbeddedBroker> broker{};  // null on failure
  std::string error{};                       // set on failure

  explicit operator bool() const noexcept { return broker != nullptr; }
};

class EmbeddedBroker {
 public:
  // Validates `options`, starts the cluster, creates `options.topics` and, if `port` is set,
  // the forwarder. Every failure comes back as EmbeddedBrokerResult::error; the only exception
  // it lets through is std::bad_alloc.
  static EmbeddedBrokerResult start(const EmbeddedBrokerOptions& options = {});

  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;
  ~EmbeddedBroker();

  // What clients put in `bootstrap.servers`: "127.0.0.1:PORT" when a port was asked for,
  // otherwise the brokers' own comma-separated list.
  const std::string& bootstrap_servers() const noexcept;
  // The brokers' own listeners (ephemeral ports), forwarder or not.
  const std::string& broker_addresses() const noexcept;
  int broker_count() const noexcept;

  // Everything below is thread-safe. Most calls are handed to the cluster's thread and wait
  // for it; in librdkafka 2.0.2 that thread sometimes notices a call only at its next 1 s tick,
  // so budget up to a second per call (push/clear_request_errors are immediate). Do not call
  // them from callbacks of the cluster's own handle. They return RD_KAFKA_RESP_ERR_NO_ERROR on
  // success, RD_KAFKA_RESP_ERR__INVALID_ARG for arguments out of range and librdkafka's error
  // otherwise; none throws.

  // partitions/replication <= 0 mean the defaults from EmbeddedBrokerOptions.
  // RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS if the name is taken (auto-created topics included).
  rd_kafka_resp_err_t create_topic(std::string_view name, int partitions = 0,
                                   int replication = 0) noexcept;

  // The next errors.size() requests of type `api` (any broker) fail with these errors, in order.
  // Faults and idempotent producers: the mock does not check a non-transactional producer's
  // sequence numbers, so with several Produce requests in flight a batch written after a refused
  // one makes librdkafka report the refused one delivered (no offset) although it was never
  // written. Use max.in.flight.requests.per.connection=1 (docs/reliability.md).
  rd_kafka_resp_err_t push_request_errors(ApiKey api,
                                          const std::vector<rd_kafka_resp_err_t>& errors) noexcept;
  // Drops errors pushed for `api` that no request has consumed yet.
  rd_kafka_resp_err_t clear_request_errors(ApiKey api) noexcept;

  // A down broker closes its connections and refuses new ones until set up again.
  rd_kafka_resp_err_t set_broker_down(int broker_id) noexcept;
  rd_kafka_resp_err_t set_broker_up(int broker_id) noexcept;
  // Delays every response of `broker_id` by `rtt`; zero restores normal speed.
  rd_kafka_resp_err_t set_round_trip_time(int broker_id, std::chrono::milliseconds rtt) noexcept;
  // Note: the mock creates an unknown topic here instead of failing.
  rd_kafka_resp_err_t set_partition_leader(std::string_view topic, int partition,
                                           int broker_id) noexcept;
  // Metadata responses report `error` for the topic; RD_KAFKA_RESP_ERR_NO_ERROR clears it.
  rd_kafka_resp_err_t set_topic_error(std::string_view topic, rd_kafka_resp_err_t error) noexcept;
  // `key` is the group id or transactional id (1 to 255 bytes).
  rd_kafka_resp_err_t set_coordinator(CoordinatorType type, std::string_view key,
                                      int broker_id) noexcept;

  // Undoes what set_broker_down, set_round_trip_time and push_request_errors did through this
  // object (brokers up, no delay, unconsumed errors dropped); touches only what they changed.
  // Topic errors, leaders and coordinators stay. Returns the first error met.
  rd_kafka_resp_err_t reset_faults() noexcept;

 private:
  struct State;
  explicit EmbeddedBroker(std::unique_ptr<State> state) noexcept;
  rd_kafka_mock_cluster_t* cluster() const noexcept;

  std::unique_ptr<State> state_;
};

}  // namespace kafkatrace::kafka
