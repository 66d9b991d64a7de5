// RetryPolicy: what TracedProducer does, on top of librdkafka's own retries, with a record whose
// delivery failed with an error that is still retriable (timed out, queue full, leader moved):
// send it again after an exponential backoff with full jitter, within an attempt and a time
// budget.
//
//   kafkatrace::kafka::ProducerOptions options{.bootstrap_servers = "localhost:9092"};
//   options.retry = {.max_attempts = 5, .initial_backoff = 50ms, .max_elapsed = 60s};
//   auto producer = kafkatrace::kafka::TracedProducer::create(std::move(options));
//
// Idempotence is preserved: a record is sent again only when librdkafka reports it
// RD_KAFKA_MSG_STATUS_NOT_PERSISTED (the broker certainly did not store it); a record that may
// have been stored (a timeout while a request was in flight) fails instead of risking a
// duplicate. A retried record goes to the back of the queue, so it may land after records sent
// later. Every attempt is its own "send {topic}" span (see producer.h). All functions here are
// pure, thread-safe and never throw (validate() may throw std::bad_alloc).
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace kafkatrace::kafka {

struct RetryPolicy {
  // Sends in total, the first included: 1 turns the policy off (librdkafka still retries
  // internally within message.timeout.ms).
  int max_attempts = 1;
  std::chrono::milliseconds initial_backoff{100};  // ceiling of the first delay
  std::chrono::milliseconds max_backoff{5000};     // ceiling of any delay
  double multiplier = 2.0;                         // ceiling growth per attempt (>= 1)
  // No attempt starts later than this after the first one started.
  std::chrono::milliseconds max_elapsed{60000};
};

// Empty when usable, else a one-line reason naming the field.
std::string validate(const RetryPolicy& policy);

// The backoff ceiling before attempt `next_attempt` (2 for the first retry):
// min(max_backoff, initial_backoff * multiplier^(next_attempt - 2)).
std::chrono::milliseconds backoff_ceiling(const RetryPolicy& policy, int next_attempt) noexcept;

// "Full jitter": a delay uniform in [0, ceiling], from `random` (any 64 random bits).
std::chrono::milliseconds full_jitter_backoff(const RetryPolicy& policy, int next_attempt,
                                              std::uint64_t random) noexcept;

// Errors worth another send after librdkafka gave up: timeouts, a full queue, transport and
// leadership errors, not-enough-replicas. Not: size, authorization, unknown topic, invalid
// records, purges, fatal errors.
bool is_retriable_error(rd_kafka_resp_err_t error) noexcept;

// The policy's decision after attempt `attempt` failed with `error` at `elapsed` since the first
// attempt started, given librdkafka's persistence status of the record, and `delay`, the backoff
// picked for the next attempt.
bool should_retry(const RetryPolicy& policy, int attempt, std::chrono::milliseconds elapsed,
                  std::chrono::milliseconds delay, rd_kafka_resp_err_t error,
                  rd_kafka_msg_status_t status) noexcept;

}  // namespace kafkatrace::kafka
