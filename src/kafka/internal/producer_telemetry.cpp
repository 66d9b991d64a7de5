#include "kafka/internal/producer_telemetry.h"

#include <array>
#include <charconv>
#include <string>

#include "kafkatrace/kafka/headers.h"

namespace kafkatrace::kafka::internal {
namespace {

namespace sc = semconv;
namespace mm = otel::messaging_metrics;
using otel::SpanKind;

constexpr std::string_view kAttemptAttribute = "kafkatrace.send.attempt";

// "send {topic}" in a per-thread buffer: no allocation once the buffer has grown.
std::string_view send_span_name(std::string_view topic) noexcept {
  thread_local std::string name;
  try {
    name.assign("send ");
    name.append(topic);
  } catch (...) {
    return "send";
  }
  return name;
}

// `key` when `on`, else the empty key that DeferredSpanEnd skips.
constexpr std::string_view only_if(bool on, std::string_view key) noexcept {
  return on ? key : std::string_view{};
}

}  // namespace

ServerEndpoint parse_first_server(std::string_view servers) {
  ServerEndpoint endpoint;
  std::string_view first = servers.substr(0, servers.find(','));
  if (auto scheme = first.find("://"); scheme != std::string_view::npos)
    first.remove_prefix(scheme + 3);
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  std::string_view host = first;
  const std::size_t colon = first.rfind(':');
  const std::size_t bracket = first.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || bracket < colon)) {
    int port = 0;
    const std::string_view digits = first.substr(colon + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (error == std::errc{} && end == digits.data() + digits.size()) {
      endpoint.port = port;
      host = first.substr(0, colon);
    }
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  endpoint.address.assign(host);
  return endpoint;
}

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xe  ? 3
                         : (byte >> 3) == 0x1e ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return false;
    std::uint32_t code = length == 1 ? byte : byte & (0x3f >> (length - 1));
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return false;
    i += length;
  }
  return true;
}

ProducerTelemetry::ProducerTelemetry(std::shared_ptr<otel::TracingBackend> backend,
                                     otel::MessagingMetrics metrics, semconv::SemconvMode mode,
                                     std::string client_id, ServerEndpoint server)
    : backend_(std::move(backend)),
      metrics_(std::move(metrics)),
      mode_(mode),
      client_id_(std::move(client_id)),
      server_(std::move(server)),
      enabled_(backend_->enabled()) {}

SentRecord SentRecord::of(const ProducerRecord& record) noexcept {
  SentRecord sent;
  if (record.key) sent.key = std::string_view(*record.key);
  if (record.value) sent.value_size = record.value->size();
  sent.partition = record.partition;
  return sent;
}

SentRecord SentRecord::of(const rd_kafka_message_t& message) noexcept {
  SentRecord sent;
  if (message.key != nullptr)
    sent.key = std::string_view(static_cast<const char*>(message.key), message.key_len);
  if (message.payload != nullptr) sent.value_size = message.len;
  return sent;  // the partition is the report's own
}

otel::DeferredSpan ProducerTelemetry::start_send(
    const ProducerRecord& record, const otel::Context& parent, int attempt,
    const otel::SpanContext* previous,
    std::optional<std::chrono::system_clock::time_point> start_time) const noexcept {
  if (!enabled_) return {};
  otel::SpanLink link{};
  if (previous != nullptr) link.context = *previous;
  const std::int64_t body_size = record.value ? static_cast<std::int64_t>(record.value->size()) : 0;
  // What a sampler sees (built-in samplers look at none of it): the attributes known before the
  // broker answers. The span itself is written by end_send.
  return backend_->start_deferred(
      send_span_name(record.topic),
      {.kind = SpanKind::kProducer,
       .parent = parent,
       .attributes = {{sc::kMessagingSystem, sc::kSystemKafka},
                      {sc::kMessagingOperationType, sc::kOperationTypeSend},
                      {sc::kMessagingOperationName, sc::kOperationNameSend},
                      {sc::kMessagingDestinationName, record.topic},
                      {sc::kMessagingClientId, client_id_},
                      {sc::kMessagingMessageBodySize, body_size},
                      {sc::kServerAddress, server_.address},
                      {only_if(attempt > 1, kAttemptAttribute), attempt}},
       .links = previous != nullptr ? std::span<const otel::SpanLink>(&link, 1)
                                    : std::span<const otel::SpanLink>(),
       .start_time = start_time});
}

void ProducerTelemetry::inject(const otel::Context& parent, const otel::DeferredSpan& span,
                               rd_kafka_headers_t* headers) const noexcept {
  try {
    inject_context(headers,
                   span.context.is_valid() ? parent.with_span_context(span.context) : parent,
                   backend_.get());
  } catch (...) {
    // Out of memory building the context: the record goes without trace headers.
  }
}

void ProducerTelemetry::end_send(otel::DeferredSpan& span, const SentRecord& sent,
                                 const DeliveryResult& result, int attempt,
                                 const otel::SpanContext& previous,
                                 std::chrono::steady_clock::duration elapsed,
                                 bool retrying) const noexcept {
  if (span.recording) {
    const bool dup = sc::emit_old_names(mode_);
    const bool key_is_text = sent.key && is_valid_utf8(*sent.key);
    const std::string_view key = key_is_text ? *sent.key : std::string_view{};
    const std::int32_t partition =
        result.partition >= 0 ? result.partition : sent.partition.value_or(-1);
    char digits[16];
    const auto digits_end = std::to_chars(digits, digits + sizeof digits, partition).ptr;
    const std::string_view partition_id(digits, static_cast<std::size_t>(digits_end - digits));
    const std::int64_t body_size = static_cast<std::int64_t>(sent.value_size.value_or(0));
    const bool offset = result.offset >= 0;
    const std::string_view error_type =
        result.error ? std::string_view(result.error->name) : std::string_view{};
    const std::initializer_list<otel::SpanAttribute> attributes = {
        {sc::kMessagingSystem, sc::kSystemKafka},
        {sc::kMessagingOperationType, sc::kOperationTypeSend},
        {sc::kMessagingOperationName, sc::kOperationNameSend},
        {sc::kMessagingDestinationName, result.topic},
        {sc::kMessagingClientId, client_id_},
        {sc::kMessagingMessageBodySize, body_size},
        {sc::kServerAddress, server_.address},
        {only_if(server_.port > 0, sc::kServerPort), server_.port},
        {only_if(key_is_text, sc::kMessagingKafkaMessageKey), key},
        {only_if(partition >= 0, sc::kMessagingDestinationPartitionId), partition_id},
        {only_if(attempt > 1, kAttemptAttribute), attempt},
        {only_if(offset, sc::kMessagingKafkaOffset), result.offset},
        {only_if(result.error.has_value(), sc::kErrorType), error_type},
        // OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup: the older names too.
        {only_if(dup, sc::old::kMessagingDestination), result.topic},
        {only_if(dup, sc::old::kMessagingDestinationKind), sc::old::kDestinationKindTopic},
        {only_if(dup, sc::old::kMessagingOperation), sc::old::kOperationPublish},
        {only_if(dup, sc::old::kMessagingKafkaClientId), client_id_},
        {only_if(dup && key_is_text, sc::old::kMessagingKafkaMessageKey), key},
        {only_if(dup && partition >= 0, sc::old::kMessagingKafkaPartition), partition},
        {only_if(dup && sent.value_size.has_value(), sc::old::kMessagingMessagePayloadSizeBytes),
         body_size},
        {only_if(dup && !server_.address.empty(), sc::old::kNetPeerName), server_.address},
        {only_if(dup && server_.port > 0, sc::old::kNetPeerPort), server_.port},
        {only_if(dup && offset, sc::old::kMessagingKafkaMessageOffset), result.offset},
    };
    otel::SpanLink link{};
    link.context = previous;
    const otel::DeferredEvent retry_event{"kafkatrace.send.retry_scheduled"};
    const bool with_event = result.error && retrying;
    // The end time is the start time plus the attempt's monotonic duration (the one the
    // operation-duration metric records): no wall-clock read on the delivery-report thread, and
    // a clock step between send and acknowledgement cannot make the span's duration wrong.
    std::optional<std::chrono::system_clock::time_point> end_time;
    if (span.start_time_unix_nano != 0 && elapsed.count() >= 0) {
      end_time = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::nanoseconds(span.start_time_unix_nano) + elapsed));
    }
    backend_->end_deferred(
        span, result.topic.empty() ? std::string_view("send") : send_span_name(result.topic),
        {.kind = SpanKind::kProducer,
         .attributes = std::span<const otel::SpanAttribute>(attributes.begin(), attributes.size()),
         .links = previous.is_valid() ? std::span<const otel::SpanLink>(&link, 1)
                                      : std::span<const otel::SpanLink>(),
         .events = with_event ? std::span<const otel::DeferredEvent>(&retry_event, 1)
                              : std::span<const otel::DeferredEvent>(),
         .status = result.error ? otel::StatusCode::kError : otel::StatusCode::kUnset,
         .status_description =
             result.error ? std::string_view(result.error->message) : std::string_view{},
         .end_time = end_time});
  } else if (span.span) {
    backend_->end_deferred(span, {}, {});  // a non-recording span of another backend
  }
  record_metrics(result, elapsed);
}

void ProducerTelemetry::record_metrics(const DeliveryResult& result,
                                       std::chrono::steady_clock::duration elapsed) const noexcept {
  const std::string_view error_type =
      result.error ? std::string_view(result.error->name) : std::string_view{};
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (!result.error) {
    if (const SentMetrics* bound = sent_metrics(result.topic)) {
      bound->sent.add(1);
      bound->duration.record(seconds);
      return;
    }
  }
  const std::array<otel::MetricAttribute, 5> attributes{{
      {mm::kSystem, mm::kSystemKafka},
      {mm::kOperationName, sc::kOperationNameSend},
      {mm::kDestinationName, result.topic},
      {mm::kOperationType, sc::kOperationTypeSend},
      {mm::kErrorType, error_type},
  }};
  // operation.type belongs on the duration only; error.type only on failures.
  const std::size_t base = 3;
  const std::span<const otel::MetricAttribute> all(attributes);
  if (result.error) {
    const std::array<otel::MetricAttribute, 4> sent{
        {attributes[0], attributes[1], attributes[2], attributes[4]}};
    metrics_.client_sent_messages.add(1, std::span<const otel::MetricAttribute>(sent));
    metrics_.client_operation_duration.record(seconds, all);
  } else {
    metrics_.client_sent_messages.add(1, all.first(base));
    metrics_.client_operation_duration.record(seconds, all.first(base + 1));
  }
}

const ProducerTelemetry::SentMetrics* ProducerTelemetry::sent_metrics(
    std::string_view topic) const noexcept {
  if (const SentMetrics* found = sent_bindings_.find(topic)) return found;
  return sent_bindings_.add(topic, [&] {
    // The attributes of the unbound path below, without error.type.
    const std::array<otel::MetricAttribute, 4> attributes{{
        {mm::kSystem, mm::kSystemKafka},
        {mm::kOperationName, sc::kOperationNameSend},
        {mm::kDestinationName, topic},
        {mm::kOperationType, sc::kOperationTypeSend},
    }};
    const std::span<const otel::MetricAttribute> all(attributes);
    return SentMetrics{metrics_.client_sent_messages.bind(all.first(3)),
                       metrics_.client_operation_duration.bind(all)};
  });
}

std::shared_ptr<otel::BackendSpan> ProducerTelemetry::start_batch(
    std::string_view topic, std::size_t count, const otel::Context& parent,
    std::span<const otel::SpanLink> links,
    std::chrono::system_clock::time_point start) const noexcept {
  if (!enabled_) return nullptr;
  auto span = backend_->start_span(
      topic.empty() ? std::string_view("send") : send_span_name(topic),
      {.kind = SpanKind::kProducer,
       .parent = parent,
       .attributes = {{sc::kMessagingSystem, sc::kSystemKafka},
                      {sc::kMessagingOperationType, sc::kOperationTypeSend},
                      {sc::kMessagingOperationName, sc::kOperationNameSend},
                      {sc::kMessagingBatchMessageCount, static_cast<std::int64_t>(count)},
                      {sc::kMessagingClientId, client_id_},
                      {sc::kServerAddress, server_.address}},
       .links = links,
       .start_time = start});
  if (!topic.empty() && span->is_recording())
    span->set_attribute(sc::kMessagingDestinationName, topic);
  if (server_.port > 0 && span->is_recording()) span->set_attribute(sc::kServerPort, server_.port);
  return span;
}

void ProducerTelemetry::end_batch(otel::BackendSpan& span,
                                  std::span<const DeliveryResult> results) const noexcept {
  std::size_t failed = 0;
  const DeliveryResult* first_failure = nullptr;
  for (const DeliveryResult& result : results) {
    if (result.ok()) continue;
    if (first_failure == nullptr) first_failure = &result;
    ++failed;
  }
  if (first_failure != nullptr && span.is_recording()) {
    span.set_attribute(sc::kErrorType, first_failure->error->name);
    try {
      span.set_status(otel::StatusCode::kError,
                      std::to_string(failed) + " of " + std::to_string(results.size()) +
                          " records failed; first: " + first_failure->error->message);
    } catch (...) {
      span.set_status(otel::StatusCode::kError, first_failure->error->name);
    }
  }
  span.end(std::nullopt);
}

}  // namespace kafkatrace::kafka::internal
