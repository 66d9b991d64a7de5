// ConsumerCore: the process spans of single messages and batches, the batch receive span, and
// the per-message metrics recorded with them.
#include <algorithm>
#include <charconv>

#include "kafka/internal/consumer_core.h"

namespace kafkatrace::kafka::internal {
namespace {

namespace sc = semconv;
namespace mm = otel::messaging_metrics;

// The partition id as text, in a buffer the caller keeps for the duration of the span call.
struct PartitionId {
  explicit PartitionId(std::int32_t partition) noexcept {
    size = static_cast<std::size_t>(std::to_chars(text, text + sizeof text, partition).ptr - text);
  }
  std::string_view view() const noexcept { return {text, size}; }
  char text[16];
  std::size_t size = 0;
};

bool is_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
      return false;
    i += extra + 1;
  }
  return true;
}

void set_failure(otel::BackendSpan& span, const HandlerResult& result) {
  const std::string_view type =
      result.error_type.empty() ? sc::kErrorTypeOther : std::string_view(result.error_type);
  span.set_attribute(sc::kErrorType, type);
  span.record_exception(type, result.message);
  span.set_status(otel::StatusCode::kError, result.message);
}

}  // namespace

void ConsumerCore::record_end_to_end(const ConsumedMessage& message,
                                     std::chrono::system_clock::time_point now) {
  if (!end_to_end_.enabled()) return;
  // In integers, so that no timestamp can overflow.
  const std::int64_t sent_ms = message.timestamp_ms();
  if (sent_ms < 0) return;
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const std::int64_t latency_ns =
      sent_ms > now_ns / 1'000'000 ? 0 : std::max<std::int64_t>(now_ns - sent_ms * 1'000'000, 0);
  topic_state(message).end_to_end.record(static_cast<double>(latency_ns) * 1e-9);
}

const otel::SharedAttributes* ConsumerCore::process_attributes(TopicState& state,
                                                               std::int32_t partition) {
  const auto index = static_cast<std::size_t>(std::max(partition, 0));
  if (index < state.process_attributes.size() && state.process_attributes[index])
    return state.process_attributes[index].get();
  try {
    if (state.process_attributes.size() <= index) state.process_attributes.resize(index + 1);
    const PartitionId id(partition);
    state.process_attributes[index] =
        otel::SharedAttributes::make({{sc::kMessagingSystem, sc::kSystemKafka},
                                      {sc::kMessagingOperationType, sc::kOperationTypeProcess},
                                      {sc::kMessagingOperationName, sc::kOperationNameProcess},
                                      {sc::kMessagingDestinationName, state.name},
                                      {sc::kMessagingDestinationPartitionId, id.view()},
                                      {sc::kMessagingConsumerGroupName, options_.group_id},
                                      {sc::kMessagingClientId, client_id_}});
    return state.process_attributes[index].get();
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void ConsumerCore::start_process_span(ConsumedMessage& message, int attempt,
                                      std::chrono::system_clock::time_point start_time) {
  TopicState& state = topic_state(message);
  const otel::Context& producer = message.producer_context_;
  const otel::SpanContext& remote = producer.span_context();
  const otel::SpanLink link{.context = remote, .attributes = {}, .dropped_attributes_count = 0};
  const bool link_only = options_.span_parent == ProcessSpanParent::kLinkOnly;
  const otel::SharedAttributes* shared =
      tracing_->enabled() ? process_attributes(state, message.partition()) : nullptr;
  const otel::StartSpanOptions span_options{
      .kind = otel::SpanKind::kConsumer,
      .parent = link_only ? producer.with_span_context(otel::SpanContext{}) : producer,
      .attributes = {{sc::kMessagingKafkaOffset, message.offset()}},
      .shared_attributes = shared,
      .links = remote.is_valid() ? std::span<const otel::SpanLink>(&link, 1)
                                 : std::span<const otel::SpanLink>(),
      .start_time = start_time};
  message.span_ = tracing_->start_span(state.process_span_name, span_options);
  otel::BackendSpan& span = *message.span_;
  if (span.is_recording()) {
    if (shared == nullptr) {  // out of memory for the shared list: one by one
      const PartitionId partition(message.partition());
      span.set_attribute(sc::kMessagingSystem, sc::kSystemKafka);
      span.set_attribute(sc::kMessagingOperationType, sc::kOperationTypeProcess);
      span.set_attribute(sc::kMessagingOperationName, sc::kOperationNameProcess);
      span.set_attribute(sc::kMessagingDestinationName, state.name);
      span.set_attribute(sc::kMessagingDestinationPartitionId, partition.view());
      span.set_attribute(sc::kMessagingConsumerGroupName, options_.group_id);
      span.set_attribute(sc::kMessagingClientId, client_id_);
    }
    if (const auto key = message.key(); key && is_utf8(*key))
      span.set_attribute(sc::kMessagingKafkaMessageKey, *key);
    if (options_.record_body_size)
      span.set_attribute(sc::kMessagingMessageBodySize,
                         static_cast<std::int64_t>(message.value().value_or("").size()));
    if (!message.value()) span.set_attribute(sc::kMessagingKafkaMessageTombstone, true);
    if (attempt > 1) span.set_attribute("kafkatrace.consumer.attempt", attempt);
    if (sc::emit_old_names(semconv_mode_)) {
      span.set_attribute(sc::old::kMessagingDestination, state.name);
      span.set_attribute(sc::old::kMessagingDestinationKind, sc::old::kDestinationKindTopic);
      span.set_attribute(sc::old::kMessagingOperation, sc::old::kOperationProcess);
      span.set_attribute(sc::old::kMessagingKafkaPartition, message.partition());
      span.set_attribute(sc::old::kMessagingKafkaMessageOffset, message.offset());
      span.set_attribute(sc::old::kMessagingKafkaConsumerGroup, options_.group_id);
      span.set_attribute(sc::old::kMessagingKafkaClientId, client_id_);
      if (const auto key = message.key(); key && is_utf8(*key))
        span.set_attribute(sc::old::kMessagingKafkaMessageKey, *key);
    }
  }
  message.context_ = tracing_->context_with_span(producer, message.span_);
}

void ConsumerCore::end_process_span(ConsumedMessage& message, const HandlerResult& result,
                                    std::chrono::steady_clock::time_point started) {
  const auto ended = std::chrono::steady_clock::now();
  if (message.span_) {
    if (result.failed) set_failure(*message.span_, result);
    message.span_->end(wall_clock_.to_wall(ended));
    message.span_.reset();
  }
  const double seconds = std::chrono::duration<double>(ended - started).count();
  if (result.failed) {
    const std::string_view type =
        result.error_type.empty() ? sc::kErrorTypeOther : std::string_view(result.error_type);
    metrics_.process_duration.record(seconds, {{mm::kSystem, mm::kSystemKafka},
                                               {mm::kOperationName, sc::kOperationNameProcess},
                                               {mm::kDestinationName, message.topic()},
                                               {mm::kConsumerGroupName, options_.group_id},
                                               {mm::kErrorType, type}});
  } else {
    topic_state(message).process_duration.record(seconds);
  }
  maybe_flush_metrics(ended);
}

void ConsumerCore::start_batch_spans(MessageBatch& batch,
                                     std::chrono::system_clock::time_point poll_start, int attempt,
                                     bool with_receive) {
  const std::string_view topic = batch.messages_.front().topic();
  bool one_topic = true;
  for (const auto& message : batch.messages_) one_topic = one_topic && message.topic() == topic;
  const TopicState& state = topic_state(topic);
  const auto count = static_cast<std::int64_t>(batch.messages_.size());
  const std::string_view destination = one_topic ? std::string_view(state.name) : "";

  otel::Context parent = tracing_->current_context();
  if (with_receive) {
    const std::shared_ptr<otel::BackendSpan> receive = tracing_->start_span(
        one_topic ? std::string_view(state.poll_span_name) : "poll",
        {.kind = otel::SpanKind::kClient,
         .attributes = {{sc::kMessagingSystem, sc::kSystemKafka},
                        {sc::kMessagingOperationType, sc::kOperationTypeReceive},
                        {sc::kMessagingOperationName, sc::kOperationNamePoll},
                        {sc::kMessagingConsumerGroupName, options_.group_id},
                        {sc::kMessagingClientId, client_id_},
                        {sc::kMessagingBatchMessageCount, count}},
         .start_time = poll_start});
    if (one_topic) receive->set_attribute(sc::kMessagingDestinationName, destination);
    receive->end(std::nullopt);
    parent = tracing_->context_with_span(parent, receive);
    batch.receive_context_ = parent;
  } else {
    parent = batch.receive_context_;
  }

  std::vector<otel::SpanLink> links;
  if (tracing_->enabled()) {
    links.reserve(batch.messages_.size());
    for (const auto& message : batch.messages_) {
      const otel::SpanContext& remote = message.producer_context_.span_context();
      if (!remote.is_valid()) continue;
      PartitionId partition(message.partition());
      links.push_back({.context = remote,
                       .attributes = {{std::string(sc::kMessagingDestinationPartitionId),
                                       std::string(partition.view())},
                                      {std::string(sc::kMessagingKafkaOffset), message.offset()}},
                       .dropped_attributes_count = 0});
    }
  }
  batch.span_ =
      tracing_->start_span(one_topic ? std::string_view(state.process_span_name) : "process",
                           {.kind = otel::SpanKind::kConsumer,
                            .parent = parent,
                            .attributes = {{sc::kMessagingSystem, sc::kSystemKafka},
                                           {sc::kMessagingOperationType, sc::kOperationTypeProcess},
                                           {sc::kMessagingOperationName, sc::kOperationNameProcess},
                                           {sc::kMessagingConsumerGroupName, options_.group_id},
                                           {sc::kMessagingClientId, client_id_},
                                           {sc::kMessagingBatchMessageCount, count}},
                            .links = links});
  if (one_topic) batch.span_->set_attribute(sc::kMessagingDestinationName, destination);
  if (attempt > 1) batch.span_->set_attribute("kafkatrace.consumer.attempt", attempt);
  batch.context_ = tracing_->context_with_span(parent, batch.span_);
}

void ConsumerCore::end_batch_span(MessageBatch& batch, const HandlerResult& result,
                                  std::chrono::steady_clock::time_point started) {
  if (batch.span_) {
    if (result.failed) set_failure(*batch.span_, result);
    batch.span_->end(std::nullopt);
    batch.span_.reset();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string_view type =
      result.error_type.empty() ? sc::kErrorTypeOther : std::string_view(result.error_type);
  std::string_view last_topic;
  for (const auto& message : batch.messages_) {
    if (message.topic() == last_topic) continue;  // one record per run of a topic
    last_topic = message.topic();
    if (result.failed) {
      metrics_.process_duration.record(seconds, {{mm::kSystem, mm::kSystemKafka},
                                                 {mm::kOperationName, sc::kOperationNameProcess},
                                                 {mm::kDestinationName, last_topic},
                                                 {mm::kConsumerGroupName, options_.group_id},
                                                 {mm::kErrorType, type}});
    } else {
      metrics_.process_duration.record(seconds, {{mm::kSystem, mm::kSystemKafka},
                                                 {mm::kOperationName, sc::kOperationNameProcess},
                                                 {mm::kDestinationName, last_topic},
                                                 {mm::kConsumerGroupName, options_.group_id}});
    }
  }
  maybe_flush_metrics(std::chrono::steady_clock::now());
}

}  // namespace kafkatrace::kafka::internal
