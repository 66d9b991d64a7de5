// Turns ProducerOptions into a librdkafka configuration: our defaults, then the user's
// properties, each checked by librdkafka (whose message names the property on failure).
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "kafkatrace/kafka/producer.h"

namespace kafkatrace::kafka::internal {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct ProducerConfig {
  ConfPtr conf{};           // null on failure
  std::string client_id{};  // as librdkafka will use it
  std::string error{};      // set on failure
};

ProducerConfig build_producer_config(const ProducerOptions& options);

// librdkafka's log lines (component "producer"), never to stdout. Runs on librdkafka's threads.
void log_from_librdkafka(const rd_kafka_t* handle, int level, const char* facility,
                         const char* message);

}  // namespace kafkatrace::kafka::internal
