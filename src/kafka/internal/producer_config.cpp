#include "kafka/internal/producer_config.h"

#include <string_view>
#include <utility>
#include <vector>

#include "kafkatrace/log.h"

namespace kafkatrace::kafka::internal {
namespace {

// Properties whose callbacks or semantics the producer owns: setting them would break span
// ending and future resolution.
bool is_reserved(std::string_view name) noexcept {
  return name == "dr_cb" || name == "dr_msg_cb" || name == "opaque" || name == "log_cb" ||
         name == "background_event_cb" || name == "delivery.report.only.error" ||
         name == "dr_err_only";
}

}  // namespace

ProducerConfig build_producer_config(const ProducerOptions& options) {
  ProducerConfig config;
  if (options.bootstrap_servers.empty() && !options.properties.contains("bootstrap.servers") &&
      !options.properties.contains("metadata.broker.list") &&
      !options.properties.contains("test.mock.num.brokers")) {
    config.error = "bootstrap_servers is empty";
    return config;
  }
  if (std::string problem = validate(options.retry); !problem.empty()) {
    config.error = std::move(problem);
    return config;
  }
  ConfPtr conf(rd_kafka_conf_new());
  std::vector<std::pair<std::string_view, std::string_view>> all{
      {"enable.idempotence", kDefaultIdempotence},
      {"acks", kDefaultAcks},
      {"compression.type", kDefaultCompression},
      {"linger.ms", kDefaultLingerMs},
  };
  if (!options.bootstrap_servers.empty())
    all.emplace_back("bootstrap.servers", options.bootstrap_servers);
  for (const auto& [name, value] : options.properties) {
    if (is_reserved(name)) {
      config.error = "property " + name + " is reserved: TracedProducer sets it itself";
      return config;
    }
    all.emplace_back(name, value);
  }
  char text[512] = "";
  for (const auto& [name, value] : all) {
    const std::string name_string(name);
    const std::string value_string(value);
    if (rd_kafka_conf_set(conf.get(), name_string.c_str(), value_string.c_str(), text,
                          sizeof text) != RD_KAFKA_CONF_OK) {
      // The value is not echoed: it may be a secret (librdkafka's text names it when it matters).
      config.error = "invalid producer property " + name_string + ": " + text;
      return config;
    }
  }
  char client_id[256] = "";
  std::size_t size = sizeof client_id;
  if (rd_kafka_conf_get(conf.get(), "client.id", client_id, &size) == RD_KAFKA_CONF_OK)
    config.client_id = client_id;
  config.conf = std::move(conf);
  return config;
}

void log_from_librdkafka(const rd_kafka_t* /*handle*/, int level, const char* facility,
                         const char* message) {
  const LogLevel ours = level <= 3   ? LogLevel::kError
                        : level == 4 ? LogLevel::kWarning
                        : level <= 6 ? LogLevel::kInfo
                                     : LogLevel::kDebug;
  if (!log_enabled(ours)) return;
  try {
    log(ours, "producer", std::string(facility) + ": " + message);
  } catch (...) {
    // Out of memory while formatting: drop the line rather than unwind into librdkafka.
  }
}

}  // namespace kafkatrace::kafka::internal
