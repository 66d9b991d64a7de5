// TracedProducer: a Kafka producer (librdkafka inside) whose every record gets a PRODUCER span
// "send {topic}" that ends when the broker acknowledges the record, with the trace context
// injected into the record's headers and the messaging client metrics recorded.
//
//   auto created = kafkatrace::kafka::TracedProducer::create({.bootstrap_servers = "host:9092"});
//   if (!created) { report(created.error); return; }
//   auto result = created.producer->send({.topic = "orders", .value = "hello"}).get();
//
// Spans (semantic conventions, see semconv.h): started on the calling thread, parented on the
// current context (or SendOptions::parent), with messaging.system, messaging.operation.type and
// .name ("send"), messaging.destination.name, messaging.kafka.message.key (when the key is valid
// UTF-8), messaging.client.id, messaging.message.body.size, server.address and server.port. At
// the delivery report: messaging.destination.partition.id (string) and messaging.kafka.offset
// (int), or error.type (librdkafka's error name) and an error status. A record librdkafka
// refuses at once (queue full, too large, unknown partition) ends its span the same way.
// Retries (RetryPolicy) make each attempt its own "send {topic}" span, a sibling of the first
// (same parent), linked to the previous attempt and carrying kafkatrace.send.attempt; the record
// carries the context of the attempt that delivered it. send_batch adds a "send {topic}" batch
// span (messaging.batch.message_count) linked to every record's span.
// Metrics: messaging.client.sent.messages and messaging.client.operation.duration (send to
// acknowledgement, per attempt), with error.type on failures.
//
// Threads: one background thread per producer ("poll thread") calls rd_kafka_poll; delivery
// reports, span ends, future resolution, and DeliveryCallbacks run there. A callback must not
// block for long (it delays every other report) and must not destroy the producer; it may call
// send(). Exceptions thrown by a callback are caught and logged. The only exception: a record
// refused synchronously has its callback run on the calling thread before send() returns.
// send, send_batch and flush may be called from any number of threads at once.
// Lifetime: the destructor waits up to ProducerOptions::close_timeout for outstanding
// deliveries, then purges what is left; every future is resolved and every span ended (purged
// records with _PURGE_QUEUE / _PURGE_INFLIGHT) before it returns.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafkatrace/kafka/record.h"
#include "kafkatrace/kafka/retry.h"
#include "kafkatrace/kafka/semconv.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/messaging_metrics.h"

namespace kafkatrace::otel {
class TracingBackend;
}

namespace kafkatrace::kafka {

namespace internal {
class ProducerCore;
}

// Defaults the producer sets before ProducerOptions::properties (which override them).
inline constexpr const char* kDefaultIdempotence = "true";  // enable.idempotence
inline constexpr const char* kDefaultAcks = "all";          // acks
inline constexpr const char* kDefaultCompression = "lz4";   // compression.type
// linger.ms: 5 ms lets a pipelined sender fill batches (most of librdkafka's throughput) while
// adding at most 5 ms to a lone record's latency; librdkafka 2.0's own default is also 5.
inline constexpr const char* kDefaultLingerMs = "5";

struct ProducerOptions {
  std::string bootstrap_servers{};
  // Any librdkafka property (security.protocol, sasl.*, ssl.*, message.timeout.ms, ...), passed
  // through untouched after the defaults above. Not: dr_msg_cb/opaque-style callbacks (ours).
  std::map<std::string, std::string> properties{};
  // Off for brokers older than 0.11 (which reject headers): spans are still recorded.
  bool inject_headers = true;
  // The tracing to use; null: the SDK backend over the global tracer provider's tracer
  // "kafkatrace" and the global propagator (looked up at create()).
  std::shared_ptr<otel::TracingBackend> tracing{};
  // unset: MessagingMetrics over the global meter provider's meter "kafkatrace".
  std::optional<otel::MessagingMetrics> metrics{};
  // unset: semconv::semconv_mode_from_environment() (OTEL_SEMCONV_STABILITY_OPT_IN).
  std::optional<semconv::SemconvMode> semconv_mode{};
  RetryPolicy retry{};
  // How long the destructor waits for outstanding deliveries before purging them.
  std::chrono::milliseconds close_timeout{10000};
};

struct SendOptions {
  // The span's parent; unset: the calling thread's current context.
  std::optional<otel::Context> parent{};
};

// Runs on the poll thread (see above). Must not throw (exceptions are caught and logged).
using DeliveryCallback = std::function<void(const DeliveryResult&)>;

class TracedProducer;

// Outcome of TracedProducer::create(): a producer, or why there is none (librdkafka's message
// for a rejected property, naming it).
struct ProducerResult {
  std::unique_ptr<TracedProducer> producer{};
  std::string error{};
  explicit operator bool() const noexcept { return producer != nullptr; }
};

class TracedProducer {
 public:
  // Never throws except std::bad_alloc; every configuration problem is in ProducerResult::error.
  static ProducerResult create(ProducerOptions options);

  ~TracedProducer();
  TracedProducer(const TracedProducer&) = delete;
  TracedProducer& operator=(const TracedProducer&) = delete;

  // Enqueues the record (copied) and returns at once. The future is resolved by the delivery
  // report, or immediately when librdkafka refuses the record. Never throws (bad_alloc aside).
  std::future<DeliveryResult> send(const ProducerRecord& record, const SendOptions& options = {});
  // The same with a callback instead of a future (no future allocated).
  void send(const ProducerRecord& record, DeliveryCallback callback,
            const SendOptions& options = {});

  // Enqueues every record, then waits for all their reports: results in the order of
  // `records`. Wraps them in a batch span (see above).
  std::vector<DeliveryResult> send_batch(const std::vector<ProducerRecord>& records,
                                         const SendOptions& options = {});

  // Waits until every record sent so far (retries included) has its result, or `timeout`
  // passes. True when none is outstanding. Does not end anything early.
  bool flush(std::chrono::milliseconds timeout);

  // Records sent and not yet resolved (queued, in flight, or waiting for a retry).
  std::size_t outstanding() const noexcept;
  // The underlying librdkafka handle, for metadata calls and statistics. Do not poll it,
  // flush it or destroy it.
  rd_kafka_t* handle() const noexcept;

 private:
  explicit TracedProducer(std::unique_ptr<internal::ProducerCore> core) noexcept;
  std::unique_ptr<internal::ProducerCore> core_;
};

}  // namespace kafkatrace::kafka
