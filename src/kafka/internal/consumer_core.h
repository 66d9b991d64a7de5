// ConsumerCore: everything behind TracedConsumer — the librdkafka handle and its callbacks
// (rebalance, statistics, commit, log), message intake with the per-assignment duplicate guard,
// spans and metrics per message and per batch, and the failure policy. Private.
//
// Threading: all members belong to the consumer thread (the one calling poll/run; librdkafka
// runs the rebalance and statistics callbacks inside its poll), except stop_requested_ (any
// thread, signal handlers included) and the statistics bridge (its own lock).
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "kafka/internal/consumer_dead_letter.h"
#include "kafka/internal/local_metrics.h"
#include "kafka/internal/wall_clock.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/otel/messaging_metrics.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::kafka::internal {

struct ConsumerCoreResult {
  std::unique_ptr<ConsumerCore> core{};
  std::string error{};
};

class ConsumerCore final {
 public:
  static ConsumerCoreResult create(ConsumerOptions options);
  ~ConsumerCore();
  ConsumerCore(const ConsumerCore&) = delete;
  ConsumerCore& operator=(const ConsumerCore&) = delete;

  PollResult poll(std::chrono::milliseconds timeout);
  void mark_processed(ConsumedMessage& message, const HandlerResult& result);
  MessageBatch poll_batch(std::size_t max_messages, std::chrono::milliseconds max_wait);
  void mark_processed(MessageBatch& batch, const HandlerResult& result);
  RunSummary run_messages(const MessageHandler& handler);
  RunSummary run_batches(const BatchHandler& handler, std::size_t max_messages,
                         std::chrono::milliseconds max_wait);

  void stop() noexcept { stop_requested_.store(true, std::memory_order_relaxed); }
  bool stop_requested() const noexcept { return stop_requested_.load(std::memory_order_relaxed); }
  rd_kafka_resp_err_t commit() noexcept;
  void close() noexcept;
  std::vector<TopicPartition> assignment() const;
  std::shared_ptr<const ClientStatistics> statistics() const noexcept;
  rd_kafka_t* handle() const noexcept { return handle_; }

 private:
  // Per topic: cached span names and, per partition, the next offset this assignment may hand
  // out (-1: none handed out yet).
  struct TopicState {
    std::string name;
    std::string process_span_name;
    std::string poll_span_name;
    // By partition: the process span's attributes that are the same on every message of the
    // partition (all but offset and key), built at the partition's first traced message.
    std::vector<std::shared_ptr<const otel::SharedAttributes>> process_attributes;
    std::vector<std::int64_t> next_offset;
    std::vector<bool> assigned;
    std::vector<std::uint64_t> epoch;  // bumped at every assign and revoke of the partition
    // The per-message metrics of this topic, bound once (no attribute lookup per message),
    // exclusive (only the consumer thread records them) and aggregated locally until
    // flush_metrics().
    LocalCounter consumed;
    LocalHistogram poll_duration;
    LocalHistogram process_duration;  // successful processing
    LocalHistogram end_to_end;
  };
  // A partition a retry waits on, and its epoch when the wait began.
  struct Watched {
    std::string topic;
    std::int32_t partition = -1;
    std::uint64_t epoch = 0;
  };
  enum class Outcome { kDone, kAbandoned };

  explicit ConsumerCore(ConsumerOptions options);
  // Empty on success, else why the consumer could not start.
  std::string configure_and_start();

  // librdkafka callbacks (consumer thread, inside rd_kafka_consumer_poll / close).
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static int on_statistics(rd_kafka_t* rk, char* json, std::size_t json_len, void* opaque);
  static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message);
  void handle_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  // librdkafka before 2.3.0 aborts when a cooperative-sticky member that joined but never received
  // an assignment is destroyed (consumer_close_guard.cpp). Called on the consumer thread, before
  // rd_kafka_consumer_close.
  bool assignment_missing_for_destroy() const noexcept;
  void await_first_assignment() noexcept;
  void abandon_handle() noexcept;
  void track_assignment(const rd_kafka_topic_partition_list_t* partitions, bool assigned);

  TopicState& topic_state(std::string_view topic);
  // The shared attributes of the process spans of `partition` (null if out of memory).
  const otel::SharedAttributes* process_attributes(TopicState& state, std::int32_t partition);
  // The message's topic state without a lookup by name (the index admit recorded).
  TopicState& topic_state(const ConsumedMessage& message) {
    if (message.topic_index_ < topics_.size()) return topics_[message.topic_index_];
    return topic_state(message.topic());
  }
  bool is_assigned(std::string_view topic, std::int32_t partition);
  Watched watch(std::string_view topic, std::int32_t partition);
  std::uint64_t partition_epoch(std::string_view topic, std::int32_t partition);
  // One message from the carry-over queue or librdkafka, through the duplicate guard, with its
  // producer context extracted and consumption counted; or an error; or nothing.
  PollResult take(std::chrono::milliseconds timeout);
  // Takes ownership of a consumed `raw` message: nullopt when the duplicate guard drops it.
  std::optional<ConsumedMessage> admit(rd_kafka_message_t* raw,
                                       std::chrono::steady_clock::time_point started);
  // Polls until `deadline` keeping whatever arrives for later; false when stop() was called or
  // a `watched` partition was revoked (or reassigned) meanwhile.
  bool wait_polling(std::chrono::steady_clock::time_point deadline,
                    const std::vector<Watched>& watched);
  void maybe_commit();
  // Merges every topic's locally aggregated metrics into their series: at most a second after
  // the last merge while messages flow (maybe_), before every wait for messages, and at close.
  void flush_metrics() noexcept;
  void maybe_flush_metrics(std::chrono::steady_clock::time_point now) noexcept {
    if (now - metrics_flushed_ < std::chrono::seconds(1)) return;
    flush_metrics();
    metrics_flushed_ = now;
  }
  void pause_all(bool pause);
  void store_offset(const ConsumedMessage& message);
  void note_error(const ConsumerError& error);

  // Spans (consumer_spans.cpp). end_process_span ends the span at the wall-clock time of its own
  // steady reading, which also ends the process duration.
  void start_process_span(ConsumedMessage& message, int attempt,
                          std::chrono::system_clock::time_point start_time);
  void end_process_span(ConsumedMessage& message, const HandlerResult& result,
                        std::chrono::steady_clock::time_point started);
  void start_batch_spans(MessageBatch& batch, std::chrono::system_clock::time_point poll_start,
                         int attempt, bool with_receive);
  void end_batch_span(MessageBatch& batch, const HandlerResult& result,
                      std::chrono::steady_clock::time_point started);
  void record_end_to_end(const ConsumedMessage& message, std::chrono::system_clock::time_point now);

  // Failure policy (consumer_run.cpp).
  HandlerResult invoke(const MessageHandler& handler, ConsumedMessage& message);
  HandlerResult invoke(const BatchHandler& handler, MessageBatch& batch);
  Outcome process_message(const MessageHandler& handler, ConsumedMessage& message,
                          RunSummary& summary);
  Outcome process_batch(const BatchHandler& handler, MessageBatch& batch, RunSummary& summary);
  bool dead_letter(ConsumedMessage& message, const otel::Context& parent,
                   const HandlerResult& cause, int attempts, RunSummary& summary);

  ConsumerOptions options_;
  rd_kafka_t* handle_ = nullptr;
  bool closed_ = false;
  bool paused_ = false;
  bool assignment_received_ = false;  // a first assignment came (librdkafka's assignor state)
  bool abandon_handle_ = false;       // destroying the handle would abort the process
  std::atomic<bool> stop_requested_{false};
  std::optional<ConsumerError> fatal_error_;
  std::string client_id_;
  std::string protocol_;
  std::vector<TopicState> topics_;
  std::deque<ConsumedMessage> carry_;
  std::chrono::steady_clock::time_point next_commit_;
  bool stored_since_commit_ = false;
  std::chrono::steady_clock::time_point metrics_flushed_{};
  semconv::SemconvMode semconv_mode_ = semconv::SemconvMode::kCurrent;
  AnchoredWallClock wall_clock_;  // single-message span times and end-to-end latency

  std::shared_ptr<otel::TracingBackend> tracing_;
  otel::MessagingMetrics metrics_;
  otel::Histogram<double> end_to_end_;
  otel::Counter<std::int64_t> rebalance_partitions_;
  otel::Counter<std::int64_t> retries_;
  otel::Counter<std::int64_t> dead_letters_;
  std::unique_ptr<StatisticsBridge> statistics_;
  std::unique_ptr<DeadLetterPublisher> dead_letter_;
};

}  // namespace kafkatrace::kafka::internal
