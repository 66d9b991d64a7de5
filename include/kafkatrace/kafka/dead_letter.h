// Dead-letter topics: where a TracedConsumer publishes a message its handler failed to process
// after every retry — the original key, value and headers, plus headers that say what failed —
// so that the partition can move on without losing it.
//
//   kafkatrace::kafka::ConsumerOptions options{...};
//   options.dead_letter.topic = "{topic}.dlt";   // "orders" -> "orders.dlt"
//   options.handler_retry = {.max_attempts = 4, .initial_backoff = 200ms};
//
// The record keeps the original key, value (null stays null) and headers in order; the error
// headers below are appended, replacing any of the same names (a message that fails twice
// carries one set). The trace continues: the dead-letter PRODUCER span `send {dlt topic}` is a
// child of the failed message's last process span, and its context replaces the record's
// traceparent/tracestate headers. Every value is text (integers in decimal).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "kafkatrace/kafka/consumed_message.h"
#include "kafkatrace/kafka/record.h"

namespace kafkatrace::kafka {

// Error headers added to a dead-lettered record.
inline constexpr std::string_view kDeadLetterOriginalTopic = "kafkatrace.dlt.original.topic";
inline constexpr std::string_view kDeadLetterOriginalPartition =
    "kafkatrace.dlt.original.partition";
inline constexpr std::string_view kDeadLetterOriginalOffset = "kafkatrace.dlt.original.offset";
// Milliseconds since the epoch; absent when the original had no timestamp.
inline constexpr std::string_view kDeadLetterOriginalTimestamp =
    "kafkatrace.dlt.original.timestamp";
inline constexpr std::string_view kDeadLetterConsumerGroup = "kafkatrace.dlt.consumer.group";
// The handler's error type (the exception's type name, or HandlerResult::error_type).
inline constexpr std::string_view kDeadLetterErrorType = "kafkatrace.dlt.error.type";
inline constexpr std::string_view kDeadLetterErrorMessage = "kafkatrace.dlt.error.message";
// Handler attempts made before giving up.
inline constexpr std::string_view kDeadLetterAttempts = "kafkatrace.dlt.attempts";

// The placeholder in DeadLetterOptions::topic replaced by the original topic.
inline constexpr std::string_view kDeadLetterTopicPlaceholder = "{topic}";

struct DeadLetterOptions {
  // Empty: no dead-letter topic; a message whose retries are exhausted is then skipped (logged
  // at error level and counted) so that the partition moves on.
  std::string topic{};
  // Properties of the dead-letter producer (bootstrap.servers defaults to the consumer's).
  // Defaults: acks=all, enable.idempotence=true.
  std::map<std::string, std::string> producer_properties{};
  // How long one publish may wait for its delivery report before it counts as failed (and is
  // tried again after the retry policy's longest backoff).
  std::chrono::milliseconds delivery_timeout{30000};
};

struct DeadLetterCause {
  std::string error_type{};
  std::string error_message{};
  int attempts = 0;
  std::string consumer_group{};
};

// `pattern` with every "{topic}" replaced by `topic`.
std::string dead_letter_topic(std::string_view pattern, std::string_view topic);

// The record to publish for `message` (key, value, headers copied) with the error headers.
// May throw std::bad_alloc.
ProducerRecord make_dead_letter_record(const ConsumedMessage& message, std::string_view topic,
                                       const DeadLetterCause& cause);

}  // namespace kafkatrace::kafka
