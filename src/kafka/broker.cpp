#include "kafkatrace/kafka/broker.h"

// rdkafka_mock.h must follow rdkafka.h, which broker.h includes.
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <climits>
#include <mutex>
#include <new>
#include <set>
#include <utility>

#include "kafka/internal/tcp_forwarder.h"
#include "kafkatrace/log.h"

namespace kafkatrace::kafka {
namespace {

constexpr std::string_view kComponent = "embedded_broker";

// Runs on librdkafka's threads (and on the caller's during rd_kafka_new): must not throw.
void log_from_librdkafka(const rd_kafka_t* /*handle*/, int level, const char* facility,
                         const char* message) {
  LogLevel ours = level <= 3   ? LogLevel::kError
                  : level == 4 ? LogLevel::kWarning
                  : level <= 6 ? LogLevel::kInfo
                               : LogLevel::kDebug;
  // The cluster's private handle has no bootstrap.servers on purpose; librdkafka's warning
  // about that is noise to the user.
  if (std::string_view(facility) == "CONFWARN") ours = LogLevel::kDebug;
  if (!log_enabled(ours)) return;
  try {
    log(ours, kComponent, std::string(facility) + ": " + message);
  } catch (...) {
    // Out of memory while formatting: drop the line rather than unwind into librdkafka.
  }
}

bool is_valid_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string out_of_range(std::string_view field, int value, int low, int high) {
  return std::string(field) + " must be between " + std::to_string(low) + " and " +
         std::to_string(high) + " (got " + std::to_string(value) + ")";
}

// The mock API takes C strings. Names are short (topics: at most 249 bytes), so a copy on the
// stack makes one without allocating, which keeps the noexcept calls below honest.
class CString {
 public:
  static constexpr std::size_t kMaxLength = 255;
  explicit CString(std::string_view text) noexcept {
    text.copy(data_, kMaxLength);
    data_[std::min(text.size(), kMaxLength)] = '\0';
  }
  const char* get() const noexcept { return data_; }

 private:
  char data_[kMaxLength + 1];
};

}  // namespace

// Members are destroyed bottom-up: the forwarder first, then the cluster, then its handle.
struct EmbeddedBroker::State {
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> handle{nullptr, rd_kafka_destroy};
  std::unique_ptr<rd_kafka_mock_cluster_t, decltype(&rd_kafka_mock_cluster_destroy)> cluster{
      nullptr, rd_kafka_mock_cluster_destroy};
  std::unique_ptr<internal::TcpForwarder> forwarder;
  std::string bootstrap_servers;
  std::string broker_addresses;
  int brokers = 1;
  int partitions = 1;
  int replication_factor = 1;
  // What reset_faults() has to undo: (kind, broker id or ApiKey) pairs.
  enum class Fault { kDown, kDelayed, kRequestErrors };
  std::mutex faults_mutex;
  std::set<std::pair<Fault, int>> faults;

  // Records or forgets a fault once `error` says the change took effect.
  rd_kafka_resp_err_t track(rd_kafka_resp_err_t error, Fault fault, int key, bool active) noexcept {
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return error;
    std::lock_guard lock(faults_mutex);
    try {
      if (active) {
        faults.emplace(fault, key);
      } else {
        faults.erase({fault, key});
      }
    } catch (const std::bad_alloc&) {
      log(LogLevel::kWarning, kComponent, "out of memory: reset_faults() may miss a fault");
    }
    return error;
  }
};

std::string validate(const EmbeddedBrokerOptions& options) {
  if (options.brokers < 1 || options.brokers > kMaxEmbeddedBrokers) {
    return out_of_range("brokers", options.brokers, 1, kMaxEmbeddedBrokers);
  }
  if (options.partitions < 1 || options.partitions > kMaxEmbeddedPartitions) {
    return out_of_range("partitions", options.partitions, 1, kMaxEmbeddedPartitions);
  }
  if (options.replication_factor < 1) {
    return "replication_factor must be at least 1 (got " +
           std::to_string(options.replication_factor) + ")";
  }
  if (options.port && *options.port == 0) {
    return "port must be between 1 and 65535 (leave it unset for ephemeral ports)";
  }
  for (auto it = options.topics.begin(); it != options.topics.end(); ++it) {
    if (!is_valid_topic_name(*it)) {
      return "topic name '" + *it + "' is invalid: use 1 to 249 of [a-zA-Z0-9._-]";
    }
    if (std::find(options.topics.begin(), it, *it) != it) {
      return "topic '" + *it + "' is listed twice";
    }
  }
  return {};
}

EmbeddedBrokerResult EmbeddedBroker::start(const EmbeddedBrokerOptions& options) {
  if (std::string error = validate(options); !error.empty()) return {nullptr, std::move(error)};
  auto state = std::make_unique<State>();
  state->brokers = options.brokers;
  state->partitions = options.partitions;
  state->replication_factor = std::min(options.replication_factor, options.brokers);

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error_text[512] = "";
  rd_kafka_conf_set_log_cb(conf, log_from_librdkafka);
  // A known property with a valid value: cannot fail. Names the handle in librdkafka's logs.
  rd_kafka_conf_set(conf, "client.id", "kafkatrace-embedded-broker", error_text, sizeof error_text);
  // rd_kafka_new takes ownership of `conf` only when it succeeds.
  state->handle.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error_text, sizeof error_text));
  if (!state->handle) {
    rd_kafka_conf_destroy(conf);
    return {nullptr, std::string("cannot create the librdkafka handle: ") + error_text};
  }
  state->cluster.reset(rd_kafka_mock_cluster_new(state->handle.get(), options.brokers));
  if (!state->cluster) {
    return {nullptr, "librdkafka could not create the mock cluster (its log says why)"};
  }
  state->broker_addresses = rd_kafka_mock_cluster_bootstraps(state->cluster.get());
  state->bootstrap_servers = state->broker_addresses;

  if (options.port) {
    const std::string first = state->broker_addresses.substr(0, state->broker_addresses.find(','));
    auto forwarding = internal::TcpForwarder::start(*options.port, first);
    if (!forwarding) return {nullptr, std::move(forwarding.error)};
    state->forwarder = std::move(forwarding.forwarder);
    state->bootstrap_servers = "127.0.0.1:" + std::to_string(*options.port);
  }

  std::unique_ptr<EmbeddedBroker> broker(new EmbeddedBroker(std::move(state)));
  for (const std::string& topic : options.topics) {
    if (const auto error = broker->create_topic(topic); error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return {nullptr, "cannot create topic '" + topic + "': " + rd_kafka_err2str(error)};
    }
  }
  log(LogLevel::kDebug, kComponent, "started; bootstrap servers " + broker->bootstrap_servers());
  return {std::move(broker), {}};
}

EmbeddedBroker::EmbeddedBroker(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
EmbeddedBroker::~EmbeddedBroker() = default;

const std::string& EmbeddedBroker::bootstrap_servers() const noexcept {
  return state_->bootstrap_servers;
}
const std::string& EmbeddedBroker::broker_addresses() const noexcept {
  return state_->broker_addresses;
}
int EmbeddedBroker::broker_count() const noexcept {
  return state_->brokers;
}

rd_kafka_resp_err_t EmbeddedBroker::create_topic(std::string_view name, int partitions,
                                                 int replication) noexcept {
  if (!is_valid_topic_name(name) || partitions > kMaxEmbeddedPartitions) {
    return RD_KAFKA_RESP_ERR__INVALID_ARG;
  }
  if (partitions <= 0) partitions = state_->partitions;
  replication =
      replication <= 0 ? state_->replication_factor : std::min(replication, state_->brokers);
  return rd_kafka_mock_topic_create(cluster(), CString(name).get(), partitions, replication);
}

rd_kafka_resp_err_t EmbeddedBroker::push_request_errors(
    ApiKey api, const std::vector<rd_kafka_resp_err_t>& errors) noexcept {
  if (errors.empty()) return RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_mock_push_request_errors_array(cluster(), static_cast<std::int16_t>(api), errors.size(),
                                          errors.data());
  return state_->track({}, State::Fault::kRequestErrors, static_cast<int>(api), true);
}

rd_kafka_resp_err_t EmbeddedBroker::clear_request_errors(ApiKey api) noexcept {
  rd_kafka_mock_clear_request_errors(cluster(), static_cast<std::int16_t>(api));
  return state_->track({}, State::Fault::kRequestErrors, static_cast<int>(api), false);
}

rd_kafka_resp_err_t EmbeddedBroker::set_broker_down(int broker_id) noexcept {
  return state_->track(rd_kafka_mock_broker_set_down(cluster(), broker_id), State::Fault::kDown,
                       broker_id, true);
}

rd_kafka_resp_err_t EmbeddedBroker::set_broker_up(int broker_id) noexcept {
  return state_->track(rd_kafka_mock_broker_set_up(cluster(), broker_id), State::Fault::kDown,
                       broker_id, false);
}

rd_kafka_resp_err_t EmbeddedBroker::set_round_trip_time(int broker_id,
                                                        std::chrono::milliseconds rtt) noexcept {
  if (rtt.count() < 0 || rtt.count() > INT_MAX) return RD_KAFKA_RESP_ERR__INVALID_ARG;
  const int rtt_ms = static_cast<int>(rtt.count());
  return state_->track(rd_kafka_mock_broker_set_rtt(cluster(), broker_id, rtt_ms),
                       State::Fault::kDelayed, broker_id, rtt_ms > 0);
}

rd_kafka_resp_err_t EmbeddedBroker::set_partition_leader(std::string_view topic, int partition,
                                                         int broker_id) noexcept {
  if (!is_valid_topic_name(topic) || partition < 0) return RD_KAFKA_RESP_ERR__INVALID_ARG;
  return rd_kafka_mock_partition_set_leader(cluster(), CString(topic).get(), partition, broker_id);
}

rd_kafka_resp_err_t EmbeddedBroker::set_topic_error(std::string_view topic,
                                                    rd_kafka_resp_err_t error) noexcept {
  if (!is_valid_topic_name(topic)) return RD_KAFKA_RESP_ERR__INVALID_ARG;
  rd_kafka_mock_topic_set_error(cluster(), CString(topic).get(), error);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

rd_kafka_resp_err_t EmbeddedBroker::set_coordinator(CoordinatorType type, std::string_view key,
                                                    int broker_id) noexcept {
  if (key.empty() || key.size() > CString::kMaxLength) return RD_KAFKA_RESP_ERR__INVALID_ARG;
  const char* key_type = type == CoordinatorType::kGroup ? "group" : "transaction";
  return rd_kafka_mock_coordinator_set(cluster(), key_type, CString(key).get(), broker_id);
}

rd_kafka_resp_err_t EmbeddedBroker::reset_faults() noexcept {
  std::set<std::pair<State::Fault, int>> faults;
  {
    std::lock_guard lock(state_->faults_mutex);
    faults.swap(state_->faults);
  }
  rd_kafka_resp_err_t first = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (const auto& [fault, key] : faults) {
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    switch (fault) {
      case State::Fault::kDown: error = rd_kafka_mock_broker_set_up(cluster(), key); break;
      case State::Fault::kDelayed: error = rd_kafka_mock_broker_set_rtt(cluster(), key, 0); break;
      case State::Fault::kRequestErrors:
        rd_kafka_mock_clear_request_errors(cluster(), static_cast<std::int16_t>(key));
        break;
    }
    if (first == RD_KAFKA_RESP_ERR_NO_ERROR) first = error;
  }
  return first;
}

rd_kafka_mock_cluster_t* EmbeddedBroker::cluster() const noexcept {
  return state_->cluster.get();
}

}  // namespace kafkatrace::kafka
