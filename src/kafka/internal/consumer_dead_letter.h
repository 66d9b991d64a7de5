// DeadLetterPublisher: the consumer's own librdkafka producer for dead-letter records, with a
// PRODUCER span `send {topic}` per publish (child of the given context, injected into the
// record's headers) and the producer-side messaging metrics. Private to the consumer.
//
//   auto made = DeadLetterPublisher::create(options.dead_letter, bootstrap);
//   bool ok = made.publisher->publish(record, process_context, backend, metrics);
//
// Threading: publish() runs on the consumer thread and blocks until the delivery report or
// DeadLetterOptions::delivery_timeout; delivery reports are served by its own rd_kafka_poll
// calls (no background thread of ours). Never throws except std::bad_alloc in create().
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "kafkatrace/kafka/dead_letter.h"
#include "kafkatrace/kafka/record.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/messaging_metrics.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::kafka::internal {

class DeadLetterPublisher;

struct DeadLetterPublisherResult {
  std::unique_ptr<DeadLetterPublisher> publisher{};
  std::string error{};
};

class DeadLetterPublisher final {
 public:
  static DeadLetterPublisherResult create(const DeadLetterOptions& options,
                                          const std::string& bootstrap_servers);
  ~DeadLetterPublisher();
  DeadLetterPublisher(const DeadLetterPublisher&) = delete;
  DeadLetterPublisher& operator=(const DeadLetterPublisher&) = delete;

  // True when the broker acknowledged the record. The error is logged otherwise.
  bool publish(const ProducerRecord& record, const otel::Context& parent,
               const otel::TracingBackend& backend, const otel::MessagingMetrics& metrics) noexcept;

 private:
  struct Report {
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR__TIMED_OUT;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    bool done = false;
  };
  DeadLetterPublisher(rd_kafka_t* handle, std::chrono::milliseconds timeout) noexcept
      : handle_(handle), timeout_(timeout) {}
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);

  rd_kafka_t* handle_;
  std::chrono::milliseconds timeout_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Report> reports_;
};

}  // namespace kafkatrace::kafka::internal
