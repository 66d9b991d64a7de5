// TracedConsumer: the public face; everything is done by internal::ConsumerCore.
#include "kafkatrace/kafka/consumer.h"

#include "kafka/internal/consumer_core.h"

namespace kafkatrace::kafka {

ConsumerResult TracedConsumer::create(ConsumerOptions options) {
  internal::ConsumerCoreResult made = internal::ConsumerCore::create(std::move(options));
  ConsumerResult result;
  if (!made.core) {
    result.error = std::move(made.error);
    return result;
  }
  result.consumer.reset(new TracedConsumer(std::move(made.core)));
  return result;
}

TracedConsumer::TracedConsumer(std::unique_ptr<internal::ConsumerCore> core) noexcept
    : core_(std::move(core)) {}

TracedConsumer::~TracedConsumer() = default;

PollResult TracedConsumer::poll(std::chrono::milliseconds timeout) {
  return core_->poll(timeout);
}

void TracedConsumer::mark_processed(ConsumedMessage& message, const HandlerResult& result) {
  core_->mark_processed(message, result);
}

MessageBatch TracedConsumer::poll_batch(std::size_t max_messages,
                                        std::chrono::milliseconds max_wait) {
  return core_->poll_batch(max_messages, max_wait);
}

void TracedConsumer::mark_processed(MessageBatch& batch, const HandlerResult& result) {
  core_->mark_processed(batch, result);
}

RunSummary TracedConsumer::run_messages(MessageHandler handler) {
  return core_->run_messages(handler);
}

RunSummary TracedConsumer::run_batches(BatchHandler handler, std::size_t max_messages,
                                       std::chrono::milliseconds max_wait) {
  return core_->run_batches(handler, max_messages, max_wait);
}

void TracedConsumer::stop() noexcept {
  core_->stop();
}
bool TracedConsumer::stop_requested() const noexcept {
  return core_->stop_requested();
}
rd_kafka_resp_err_t TracedConsumer::commit() noexcept {
  return core_->commit();
}
void TracedConsumer::close() noexcept {
  core_->close();
}
std::vector<TopicPartition> TracedConsumer::assignment() const {
  return core_->assignment();
}

std::shared_ptr<const ClientStatistics> TracedConsumer::statistics() const noexcept {
  return core_->statistics();
}

rd_kafka_t* TracedConsumer::handle() const noexcept {
  return core_->handle();
}

}  // namespace kafkatrace::kafka
