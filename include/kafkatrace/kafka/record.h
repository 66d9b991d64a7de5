// ProducerRecord (what TracedProducer::send takes) and DeliveryResult (what its future or
// callback receives once the broker acknowledged the record, or failed to).
//
//   kafkatrace::kafka::ProducerRecord record{.topic = "orders", .key = "customer-7",
//                                            .value = payload, .headers = {{"app", "v1"}}};
//   DeliveryResult result = producer->send(record).get();  // result.partition, result.offset
//
// Plain value types: copy and move freely. Keys, values and header values are bytes held in
// std::string (any content, embedded NULs included); std::nullopt is Kafka's null.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kafkatrace::kafka {

struct RecordHeader {
  std::string name{};
  std::optional<std::string> value{};  // nullopt: a header with a null value
  friend bool operator==(const RecordHeader&, const RecordHeader&) = default;
};

struct ProducerRecord {
  std::string topic{};
  std::optional<std::int32_t> partition{};  // unset: librdkafka's partitioner picks one by key
  std::optional<std::string> key{};
  std::optional<std::string> value{};
  // Sent in this order. With header injection on, trace headers (traceparent, tracestate,
  // baggage) replace headers of the same name here, so a forwarded record carries one of each.
  std::vector<RecordHeader> headers{};
  std::optional<std::chrono::system_clock::time_point> timestamp{};  // unset: the send time
};

// Why a record was not delivered. `name` is librdkafka's error name ("MSG_SIZE_TOO_LARGE",
// "_MSG_TIMED_OUT": a leading underscore marks a client-side error) and the span's error.type.
struct DeliveryError {
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string name{};
  std::string message{};
  // Sending the record again may succeed (timeouts, queue full, leader changes, ...).
  bool retriable = false;
  // The producer is unusable (e.g. an idempotence guarantee broke): create a new one.
  bool fatal = false;
};

struct DeliveryResult {
  std::string topic{};
  std::int32_t partition = RD_KAFKA_PARTITION_UA;  // -1 when the record was not delivered
  std::int64_t offset = RD_KAFKA_OFFSET_INVALID;   // -1001 when unknown
  // The record's timestamp as the broker stored it (CreateTime or LogAppendTime), if known.
  std::optional<std::chrono::system_clock::time_point> timestamp{};
  std::optional<DeliveryError> error{};  // set iff not delivered
  int attempts = 1;                      // sends made by the retry policy, this one included

  bool ok() const noexcept { return !error.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
};

// DeliveryError for a librdkafka error code: name, message (`detail` when given, else
// librdkafka's description), and the retriable and fatal flags.
DeliveryError make_delivery_error(rd_kafka_resp_err_t code, const char* detail = nullptr);

}  // namespace kafkatrace::kafka
