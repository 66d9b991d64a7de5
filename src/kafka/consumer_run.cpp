// ConsumerCore: one message at a time — poll/mark_processed, the run loop and the failure
// policy (retries with the partitions paused, then the dead-letter topic).
#include "kafka/internal/consumer_core.h"
#include "kafka/internal/consumer_handler.h"
#include "kafkatrace/log.h"

namespace kafkatrace::kafka::internal {
namespace {

constexpr std::string_view kComponent = "kafka.consumer";
constexpr auto kPollSlice = std::chrono::milliseconds(100);

}  // namespace

PollResult ConsumerCore::poll(std::chrono::milliseconds timeout) {
  PollResult result = take(timeout);
  maybe_commit();
  if (result.message) {
    const auto wall_start = wall_clock_.to_wall(result.message->handed_out_);
    record_end_to_end(*result.message, wall_start);
    start_process_span(*result.message, 1, wall_start);
  }
  return result;
}

void ConsumerCore::mark_processed(ConsumedMessage& message, const HandlerResult& result) {
  if (!message) return;
  end_process_span(message, result, message.handed_out_);
  store_offset(message);
}

HandlerResult ConsumerCore::invoke(const MessageHandler& handler, ConsumedMessage& message) {
  const otel::Scope scope(message.context_);
  return call_handler([&] { return handler(message); });
}

bool ConsumerCore::dead_letter(ConsumedMessage& message, const otel::Context& parent,
                               const HandlerResult& cause, int attempts, RunSummary& summary) {
  namespace mm = otel::messaging_metrics;
  if (!dead_letter_) {
    log(LogLevel::kError, kComponent,
        "skipping " + std::string(message.topic()) + "[" + std::to_string(message.partition()) +
            "] offset " + std::to_string(message.offset()) + " after " + std::to_string(attempts) +
            " failed attempts (no dead-letter topic): " + cause.message);
    dead_letters_.add(1, {{mm::kSystem, mm::kSystemKafka},
                          {mm::kDestinationName, message.topic()},
                          {mm::kConsumerGroupName, options_.group_id},
                          {"kafkatrace.dead_letter.outcome", "skipped"}});
    ++summary.skipped;
    return true;
  }
  const std::string topic = dead_letter_topic(options_.dead_letter.topic, message.topic());
  const ProducerRecord record = make_dead_letter_record(
      message, topic,
      {.error_type =
           cause.error_type.empty() ? std::string(semconv::kErrorTypeOther) : cause.error_type,
       .error_message = cause.message,
       .attempts = attempts,
       .consumer_group = options_.group_id});
  const bool published = dead_letter_->publish(record, parent, *tracing_, metrics_);
  dead_letters_.add(1, {{mm::kSystem, mm::kSystemKafka},
                        {mm::kDestinationName, message.topic()},
                        {mm::kConsumerGroupName, options_.group_id},
                        {"kafkatrace.dead_letter.outcome", published ? "published" : "failed"}});
  if (published) ++summary.dead_lettered;
  return published;
}

ConsumerCore::Outcome ConsumerCore::process_message(const MessageHandler& handler,
                                                    ConsumedMessage& message, RunSummary& summary) {
  // Processing starts when the message was handed out; that reading also gives the end-to-end
  // latency and the first span's start.
  const auto first_started = message.handed_out_;
  const auto first_started_wall = wall_clock_.to_wall(first_started);
  record_end_to_end(message, first_started_wall);
  // What a retry waits on: this partition within this assignment. The epoch is read now; the
  // list is built only at a failure, so that a message processed at once costs no allocation.
  // (Nothing can change the epoch meanwhile: rebalances run inside poll, only between attempts.)
  const std::uint64_t epoch = partition_epoch(message.topic(), message.partition());
  std::vector<Watched> watched;
  const auto watch_list = [&]() -> const std::vector<Watched>& {
    if (watched.empty())
      watched.push_back({std::string(message.topic()), message.partition(), epoch});
    return watched;
  };
  const RetryPolicy& policy = options_.handler_retry;
  int attempt = 1;
  for (;; ++attempt) {
    const auto started = attempt == 1 ? first_started : std::chrono::steady_clock::now();
    start_process_span(message, attempt,
                       attempt == 1 ? first_started_wall : wall_clock_.to_wall(started));
    HandlerResult result = invoke(handler, message);
    if (!result.failed) {
      end_process_span(message, result, started);
      if (paused_) pause_all(false);
      store_offset(message);
      ++summary.processed;
      return Outcome::kDone;
    }
    ++summary.failed_attempts;
    const auto delay = backoff_ceiling(policy, attempt + 1);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - first_started);
    const bool retry =
        result.retriable && attempt < policy.max_attempts && elapsed + delay <= policy.max_elapsed;
    if (retry) {
      end_process_span(message, result, started);
      if (!paused_) pause_all(true);  // the group keeps its heartbeat while we wait
      retries_.add(1, {{otel::messaging_metrics::kSystem, otel::messaging_metrics::kSystemKafka},
                       {otel::messaging_metrics::kDestinationName, message.topic()},
                       {otel::messaging_metrics::kConsumerGroupName, options_.group_id}});
      if (!wait_polling(std::chrono::steady_clock::now() + delay, watch_list())) {
        return Outcome::kAbandoned;
      }
      continue;
    }
    // Exhausted: dead-letter inside the last attempt's span, so that the trace continues.
    const otel::Context parent = message.context_;
    bool published = dead_letter(message, parent, result, attempt, summary);
    end_process_span(message, result, started);
    while (!published) {
      if (!paused_) pause_all(true);
      if (!wait_polling(std::chrono::steady_clock::now() + policy.max_backoff, watch_list()))
        return Outcome::kAbandoned;
      published = dead_letter(message, parent, result, attempt, summary);
    }
    if (paused_) pause_all(false);
    store_offset(message);
    return Outcome::kDone;
  }
}

RunSummary ConsumerCore::run_messages(const MessageHandler& handler) {
  RunSummary summary;
  while (!stop_requested() && !fatal_error_ && !closed_) {
    PollResult polled = take(kPollSlice);
    if (polled.message) {
      // Abandoned: stop() or a revoke came during the retries; the message stays uncommitted.
      process_message(handler, *polled.message, summary);
      if (paused_) pause_all(false);
    }
    maybe_commit();
  }
  summary.fatal_error = fatal_error_;
  close();
  return summary;
}

}  // namespace kafkatrace::kafka::internal
