#include "kafkatrace/kafka/producer.h"

#include <chrono>
#include <utility>

#include "kafka/internal/producer_core.h"

namespace kafkatrace::kafka {

ProducerResult TracedProducer::create(ProducerOptions options) {
  ProducerResult result;
  internal::ProducerCoreResult core = internal::ProducerCore::create(std::move(options));
  if (!core.core) {
    result.error = std::move(core.error);
    return result;
  }
  result.producer.reset(new TracedProducer(std::move(core.core)));
  return result;
}

TracedProducer::TracedProducer(std::unique_ptr<internal::ProducerCore> core) noexcept
    : core_(std::move(core)) {}

TracedProducer::~TracedProducer() = default;  // ProducerCore's destructor closes

std::future<DeliveryResult> TracedProducer::send(const ProducerRecord& record,
                                                 const SendOptions& options) {
  internal::PendingPtr pending = core_->make_pending();
  pending->promise.emplace();
  std::future<DeliveryResult> future = pending->promise->get_future();
  core_->send(record, std::move(pending), options);
  return future;
}

void TracedProducer::send(const ProducerRecord& record, DeliveryCallback callback,
                          const SendOptions& options) {
  internal::PendingPtr pending = core_->make_pending();
  pending->callback = std::move(callback);
  core_->send(record, std::move(pending), options);
}

std::vector<DeliveryResult> TracedProducer::send_batch(const std::vector<ProducerRecord>& records,
                                                       const SendOptions& options) {
  const auto start = std::chrono::system_clock::now();
  const otel::Context parent =
      options.parent ? *options.parent : core_->telemetry().current_context();
  const SendOptions each{.parent = parent};
  std::vector<std::future<DeliveryResult>> futures;
  futures.reserve(records.size());
  std::vector<otel::SpanLink> links;
  const bool traced = core_->telemetry().tracing_enabled();
  if (traced) links.reserve(records.size());
  std::string_view topic = records.empty() ? std::string_view{} : records.front().topic;
  for (const ProducerRecord& record : records) {
    if (record.topic != topic) topic = {};
    internal::PendingPtr pending = core_->make_pending();
    pending->promise.emplace();
    futures.push_back(pending->promise->get_future());
    const otel::SpanContext context = core_->send(record, std::move(pending), each);
    if (traced && context.is_valid()) links.push_back(otel::SpanLink{context, {}, 0});
  }
  // Started after the records' spans so that it can link to them, but dated from the call.
  auto batch = core_->telemetry().start_batch(topic, records.size(), parent, links, start);
  std::vector<DeliveryResult> results;
  results.reserve(futures.size());
  for (auto& future : futures) results.push_back(future.get());
  if (batch) core_->telemetry().end_batch(*batch, results);
  return results;
}

bool TracedProducer::flush(std::chrono::milliseconds timeout) {
  return core_->flush(timeout);
}

std::size_t TracedProducer::outstanding() const noexcept {
  return core_->outstanding();
}

rd_kafka_t* TracedProducer::handle() const noexcept {
  return core_->handle();
}

}  // namespace kafkatrace::kafka
