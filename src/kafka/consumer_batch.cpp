// ConsumerCore: batches — poll_batch (partial at max_wait and at stop), mark_processed, the
// batch run loop and its failure policy (the whole batch retried, then each message
// dead-lettered).
#include <algorithm>

#include "kafka/internal/consumer_core.h"
#include "kafka/internal/consumer_handler.h"

namespace kafkatrace::kafka {

MessageBatch::~MessageBatch() {
  if (span_) span_->end(std::nullopt);
}

MessageBatch& MessageBatch::operator=(MessageBatch&& other) noexcept {
  if (this != &other) {
    if (span_) span_->end(std::nullopt);
    messages_ = std::move(other.messages_);
    receive_context_ = std::move(other.receive_context_);
    context_ = std::move(other.context_);
    span_ = std::move(other.span_);
    handed_out_ = other.handed_out_;
  }
  return *this;
}

}  // namespace kafkatrace::kafka

namespace kafkatrace::kafka::internal {
namespace {
constexpr auto kPollSlice = std::chrono::milliseconds(100);
}  // namespace

MessageBatch ConsumerCore::poll_batch(std::size_t max_messages,
                                      std::chrono::milliseconds max_wait) {
  MessageBatch batch;
  if (max_messages == 0) return batch;
  const auto poll_start = std::chrono::system_clock::now();
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  batch.messages_.reserve(std::min<std::size_t>(max_messages, 1024));
  while (batch.messages_.size() < max_messages && !stop_requested() && !fatal_error_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    const auto slice = std::chrono::ceil<std::chrono::milliseconds>(
        std::min<std::chrono::steady_clock::duration>(deadline - now, kPollSlice));
    PollResult polled = take(slice);
    if (polled.message) batch.messages_.push_back(std::move(*polled.message));
  }
  maybe_commit();
  if (batch.messages_.empty()) return batch;
  if (end_to_end_.enabled()) {
    const auto now = std::chrono::system_clock::now();  // the batch's processing starts now
    for (const auto& message : batch.messages_) record_end_to_end(message, now);
  }
  start_batch_spans(batch, poll_start, 1, true);
  batch.handed_out_ = std::chrono::steady_clock::now();
  return batch;
}

void ConsumerCore::mark_processed(MessageBatch& batch, const HandlerResult& result) {
  if (batch.messages_.empty()) return;
  end_batch_span(batch, result, batch.handed_out_);
  for (const auto& message : batch.messages_) store_offset(message);
}

HandlerResult ConsumerCore::invoke(const BatchHandler& handler, MessageBatch& batch) {
  const otel::Scope scope(batch.context_);
  return call_handler([&] { return handler(batch); });
}

ConsumerCore::Outcome ConsumerCore::process_batch(const BatchHandler& handler, MessageBatch& batch,
                                                  RunSummary& summary) {
  std::vector<Watched> watched;
  for (const auto& message : batch.messages_) {
    const bool seen = std::any_of(watched.begin(), watched.end(), [&](const Watched& entry) {
      return entry.partition == message.partition() && entry.topic == message.topic();
    });
    if (!seen) watched.push_back(watch(message.topic(), message.partition()));
  }
  const RetryPolicy& policy = options_.handler_retry;
  const auto first_started = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) start_batch_spans(batch, std::chrono::system_clock::now(), attempt, false);
    const auto started = std::chrono::steady_clock::now();
    const HandlerResult result = invoke(handler, batch);
    if (!result.failed) {
      end_batch_span(batch, result, started);
      for (const auto& message : batch.messages_) store_offset(message);
      summary.processed += batch.messages_.size();
      return Outcome::kDone;
    }
    ++summary.failed_attempts;
    const auto delay = backoff_ceiling(policy, attempt + 1);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - first_started);
    if (result.retriable && attempt < policy.max_attempts &&
        elapsed + delay <= policy.max_elapsed) {
      end_batch_span(batch, result, started);
      if (!paused_) pause_all(true);
      retries_.add(1, {{otel::messaging_metrics::kSystem, otel::messaging_metrics::kSystemKafka},
                       {otel::messaging_metrics::kConsumerGroupName, options_.group_id}});
      if (!wait_polling(std::chrono::steady_clock::now() + delay, watched))
        return Outcome::kAbandoned;
      continue;
    }
    // Exhausted: every message goes to the dead-letter topic, inside the batch's last span.
    const otel::Context parent = batch.context_;
    for (auto& message : batch.messages_) {
      while (!dead_letter(message, parent, result, attempt, summary)) {
        if (!paused_) pause_all(true);
        if (!wait_polling(std::chrono::steady_clock::now() + policy.max_backoff, watched)) {
          end_batch_span(batch, result, started);
          return Outcome::kAbandoned;
        }
      }
      store_offset(message);
    }
    end_batch_span(batch, result, started);
    return Outcome::kDone;
  }
}

RunSummary ConsumerCore::run_batches(const BatchHandler& handler, std::size_t max_messages,
                                     std::chrono::milliseconds max_wait) {
  RunSummary summary;
  while (!fatal_error_ && !closed_) {
    MessageBatch batch = poll_batch(max_messages, max_wait);
    // A batch cut short by stop() is still processed before closing.
    if (!batch.empty()) process_batch(handler, batch, summary);
    if (paused_) pause_all(false);
    maybe_commit();
    if (stop_requested()) break;
  }
  summary.fatal_error = fatal_error_;
  close();
  return summary;
}

}  // namespace kafkatrace::kafka::internal
