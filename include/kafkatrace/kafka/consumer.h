// TracedConsumer: a Kafka consumer-group member (librdkafka inside) that continues the
// producer's trace in a `process {topic}` span for every message, processes at least once
// (offsets stored after the handler succeeds, committed periodically, on revoke and on close),
// retries failures with backoff and then dead-letters them, and records the messaging metrics.
//
//   auto created = kafkatrace::kafka::TracedConsumer::create({.bootstrap_servers = "host:9092",
//       .group_id = "billing", .topics = {"orders"}, .auto_offset_reset = "earliest"});
//   created.consumer->run([](const kafkatrace::kafka::ConsumedMessage& m) { bill(m.value()); });
//
// Spans (see semconv.h): per message a CONSUMER span `process {topic}`, a child of the context
// in the message's headers and linked to it (ProcessSpanParent::kLinkOnly: a new trace with only
// the link), with messaging.system, .operation.type/.name=process, .destination.name,
// .destination.partition.id, messaging.kafka.offset, messaging.kafka.message.key (non-null
// UTF-8 keys), messaging.consumer.group.name, messaging.client.id and, if asked,
// messaging.message.body.size. The handler runs with it current (otel::Scope). A failure
// (HandlerResult::failure or an exception) sets error status, error.type and an exception event.
// Batches: a CLIENT span `poll {topic}` for the receive, and a CONSUMER span `process {topic}`
// (its child) with one link per message (partition.id and offset as link attributes) and
// messaging.batch.message_count. With several topics in one batch the names are `poll`/`process`.
// Metrics: messaging.client.consumed.messages, messaging.process.duration,
// messaging.client.operation.duration (non-empty polls), kafkatrace.consumer.end_to_end.duration
// (message timestamp -> processing start, seconds), kafkatrace.consumer.rebalance.partitions
// (attribute kafkatrace.rebalance.kind = assigned|revoked|lost), kafkatrace.consumer.retries,
// kafkatrace.consumer.dead_letter.messages, and the statistics gauges (statistics.h).
//
// Failure policy (run/run_batch): the handler is retried per `handler_retry` (backoff =
// RetryPolicy::backoff_ceiling, no jitter); while it waits, every assigned partition is paused
// and poll keeps being called, so the group membership, rebalances and statistics go on. Then
// the message is published to the dead-letter topic (dead_letter.h) — or skipped when there is
// none — and only then is its offset stored. A revoke of the partition abandons the retry
// (uncommitted: the next owner gets the message); stop() abandons it likewise.
// Rebalances (eager and cooperative protocols): stored offsets are committed before partitions
// are revoked; each assignment starts from the committed offsets and never hands out an offset
// twice. Logged at info level, counted, and passed to ConsumerOptions::on_rebalance.
//
// Threads: poll, poll_batch, run, run_batch, mark_processed, commit and close belong to one
// thread at a time (the "consumer thread"); handlers, on_rebalance and librdkafka's rebalance
// and statistics callbacks run on it. stop() may be called from any thread and from a signal
// handler (it stores to a lock-free atomic). Lifetime: the destructor closes the consumer
// (commit, leave the group); messages must be destroyed before it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "kafkatrace/kafka/consumed_message.h"
#include "kafkatrace/kafka/dead_letter.h"
#include "kafkatrace/kafka/retry.h"
#include "kafkatrace/kafka/semconv.h"
#include "kafkatrace/kafka/statistics.h"
#include "kafkatrace/otel/meter.h"

namespace kafkatrace::otel {
class TracingBackend;
}

namespace kafkatrace::kafka {

namespace internal {
class ConsumerCore;
}

enum class CommitMode {
  // At-least-once: offsets stored after processing (mark_processed / handler success), committed
  // every commit_interval, on revoke and on close.
  kAfterProcessing,
  // librdkafka's auto commit of offsets stored as messages are polled (the seed's behaviour): a
  // crash after the commit and before processing loses messages.
  kAutoCommit,
};

enum class ProcessSpanParent {
  kProducerAndLink,  // child of the producer's context, plus a link to it (one trace)
  kLinkOnly,         // a new trace linked to the producer's context (the conventions' default)
};

struct TopicPartition {
  std::string topic{};
  std::int32_t partition = -1;
  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
};

struct RebalanceEvent {
  enum class Kind { kAssigned, kRevoked, kLost };
  Kind kind = Kind::kAssigned;
  std::vector<TopicPartition> partitions{};
  std::string protocol{};  // "EAGER" or "COOPERATIVE"
};

// What a handler reports. Default-constructed: success. A handler may also throw.
struct HandlerResult {
  bool failed = false;
  bool retriable = true;  // false: dead-letter at once, without retries
  std::string error_type{};
  std::string message{};

  static HandlerResult failure(std::string error_type, std::string message, bool retriable = true) {
    return {.failed = true,
            .retriable = retriable,
            .error_type = std::move(error_type),
            .message = std::move(message)};
  }
};

struct ConsumerError {
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message{};
  bool fatal = false;  // the consumer is unusable: run() returns
};

struct PollResult {
  std::optional<ConsumedMessage> message{};
  std::optional<ConsumerError> error{};  // set when the poll returned an error event
  explicit operator bool() const noexcept { return message.has_value(); }
};

// Messages of one poll_batch, in arrival order, with the batch's process span.
class MessageBatch final {
 public:
  MessageBatch() noexcept = default;
  ~MessageBatch();
  MessageBatch(MessageBatch&&) noexcept = default;
  MessageBatch& operator=(MessageBatch&&) noexcept;

  std::span<const ConsumedMessage> messages() const noexcept { return messages_; }
  std::size_t size() const noexcept { return messages_.size(); }
  bool empty() const noexcept { return messages_.empty(); }
  auto begin() const noexcept { return messages_.cbegin(); }
  auto end() const noexcept { return messages_.cend(); }
  // The batch process span's context (what the batch handler runs in).
  const otel::Context& context() const noexcept { return context_; }
  const std::shared_ptr<otel::BackendSpan>& span() const noexcept { return span_; }

 private:
  friend class internal::ConsumerCore;
  std::vector<ConsumedMessage> messages_;
  otel::Context receive_context_;  // the receive span's (parent of every attempt's process span)
  otel::Context context_;
  std::shared_ptr<otel::BackendSpan> span_;
  std::chrono::steady_clock::time_point handed_out_{};  // poll_batch's return: processing starts
};

// Summary of a run()/run_batch() loop.
struct RunSummary {
  std::uint64_t processed = 0;        // handler successes (messages)
  std::uint64_t failed_attempts = 0;  // handler failures, retries included
  std::uint64_t dead_lettered = 0;    // published to the dead-letter topic
  std::uint64_t skipped = 0;          // retries exhausted without a dead-letter topic
  std::optional<ConsumerError> fatal_error{};
};

using MessageHandler = std::function<HandlerResult(const ConsumedMessage&)>;
using BatchHandler = std::function<HandlerResult(const MessageBatch&)>;

struct ConsumerOptions {
  std::string bootstrap_servers{};
  std::string group_id{};
  // Topic names, or regular expressions starting with '^'.
  std::vector<std::string> topics{};
  std::string auto_offset_reset = "latest";  // Kafka's default; "earliest" in the examples
  // Any librdkafka property, applied after kafkatrace's settings (a conflicting
  // enable.auto.commit / enable.auto.offset.store is overridden by commit_mode, with a warning).
  std::map<std::string, std::string> properties{};
  CommitMode commit_mode = CommitMode::kAfterProcessing;
  std::chrono::milliseconds commit_interval{5000};  // kAfterProcessing's periodic commit
  ProcessSpanParent span_parent = ProcessSpanParent::kProducerAndLink;
  bool record_body_size = false;  // messaging.message.body.size (opt-in)
  // Handler attempts (the first included) and backoff; max_elapsed bounds the retries.
  RetryPolicy handler_retry{.max_attempts = 3,
                            .initial_backoff = std::chrono::milliseconds(100),
                            .max_backoff = std::chrono::milliseconds(10000),
                            .multiplier = 2.0,
                            .max_elapsed = std::chrono::milliseconds(300000)};
  DeadLetterOptions dead_letter{};
  // statistics.interval.ms unless properties set it; zero: no statistics (and no lag gauges).
  std::chrono::milliseconds statistics_interval{5000};
  // null: the SDK backend over the global tracer provider's tracer "kafkatrace".
  std::shared_ptr<otel::TracingBackend> tracing{};
  // unset: the global meter provider's meter "kafkatrace".
  std::optional<otel::Meter> meter{};
  std::optional<semconv::SemconvMode> semconv_mode{};
  // Runs on the consumer thread inside poll, after the assignment changed (must not call poll).
  std::function<void(const RebalanceEvent&)> on_rebalance{};
};

class TracedConsumer;

struct ConsumerResult {
  std::unique_ptr<TracedConsumer> consumer{};
  std::string error{};
  explicit operator bool() const noexcept { return consumer != nullptr; }
};

class TracedConsumer {
 public:
  // Validates the options, creates the librdkafka consumer and subscribes. Never throws except
  // std::bad_alloc; every configuration problem is in ConsumerResult::error.
  static ConsumerResult create(ConsumerOptions options);

  ~TracedConsumer();
  TracedConsumer(const TracedConsumer&) = delete;
  TracedConsumer& operator=(const TracedConsumer&) = delete;

  // One message (its process span started and in message.context()), nothing within `timeout`,
  // or an error. Call mark_processed when done (kAfterProcessing stores the offset only then).
  PollResult poll(std::chrono::milliseconds timeout);
  // Ends the message's span (error status if `result` failed) and stores its offset (also on
  // failure: with poll(), the failure policy is the application's). Records the process
  // duration, from poll's return to this call.
  void mark_processed(ConsumedMessage& message, const HandlerResult& result = {});

  // Up to `max_messages`, returning early when `max_wait` passes (a partial batch) or stop() was
  // called. The batch's receive span is ended and its process span started.
  MessageBatch poll_batch(std::size_t max_messages, std::chrono::milliseconds max_wait);
  // Ends the batch's process span and stores its offsets. Records the process duration, from
  // poll_batch's return to this call.
  void mark_processed(MessageBatch& batch, const HandlerResult& result = {});

  // Loops until stop() or a fatal error: poll, process with the failure policy, store, commit.
  // On the way out: finishes the message in hand, commits, and closes (leaves the group).
  template <class Handler>
  RunSummary run(Handler&& handler) {
    return run_messages(adapt<const ConsumedMessage&>(std::forward<Handler>(handler)));
  }
  // The same with batches (partial batches at max_wait and at stop; the batch at stop is
  // processed before closing). A failed batch is retried as a whole, then each of its messages
  // is dead-lettered.
  template <class Handler>
  RunSummary run_batch(Handler&& handler, std::size_t max_messages,
                       std::chrono::milliseconds max_wait) {
    return run_batches(adapt<const MessageBatch&>(std::forward<Handler>(handler)), max_messages,
                       max_wait);
  }

  // Thread-safe and async-signal-safe: run/run_batch/poll_batch return soon after.
  void stop() noexcept;
  bool stop_requested() const noexcept;

  // Commits the stored offsets now (synchronously); librdkafka's error, if any.
  rd_kafka_resp_err_t commit() noexcept;
  // Commits, leaves the group and closes. Idempotent; later polls return nothing.
  void close() noexcept;

  std::vector<TopicPartition> assignment() const;
  // The latest librdkafka statistics, or null (before the first, or statistics off).
  std::shared_ptr<const ClientStatistics> statistics() const noexcept;
  rd_kafka_t* handle() const noexcept;

 private:
  explicit TracedConsumer(std::unique_ptr<internal::ConsumerCore> core) noexcept;

  // Accepts handlers returning HandlerResult or void.
  template <class Arg, class Handler>
  static std::function<HandlerResult(Arg)> adapt(Handler&& handler) {
    if constexpr (std::is_void_v<std::invoke_result_t<Handler&, Arg>>) {
      return [h = std::forward<Handler>(handler)](Arg value) mutable {
        h(value);
        return HandlerResult{};
      };
    } else {
      return std::function<HandlerResult(Arg)>(std::forward<Handler>(handler));
    }
  }
  RunSummary run_messages(MessageHandler handler);
  RunSummary run_batches(BatchHandler handler, std::size_t max_messages,
                         std::chrono::milliseconds max_wait);

  std::unique_ptr<internal::ConsumerCore> core_;
};

}  // namespace kafkatrace::kafka
