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

void set_old_start_attributes(otel::BackendSpan& span, const ProducerRecord& record,
                              std::string_view client_id, const ServerEndpoint& server,
                              bool key_is_text) noexcept {
  span.set_attribute(sc::old::kMessagingDestination, record.topic);
  span.set_attribute(sc::old::kMessagingDestinationKind, sc::old::kDestinationKindTopic);
  span.set_attribute(sc::old::kMessagingOperation, sc::old::kOperationPublish);
  span.set_attribute(sc::old::kMessagingKafkaClientId, client_id);
  if (key_is_text) span.set_attribute(sc::old::kMessagingKafkaMessageKey, *record.key);
  if (record.partition) span.set_attribute(sc::old::kMessagingKafkaPartition, *record.partition);
  if (record.value) {
    span.set_attribute(sc::old::kMessagingMessagePayloadSizeBytes, record.value->size());
  }
  if (!server.address.empty()) span.set_attribute(sc::old::kNetPeerName, server.address);
  if (server.port > 0) span.set_attribute(sc::old::kNetPeerPort, server.port);
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

std::shared_ptr<otel::BackendSpan> ProducerTelemetry::start_send(
    const ProducerRecord& record, const otel::Context& parent, int attempt,
    const otel::SpanContext* previous) const noexcept {
  if (!enabled_) return nullptr;
  otel::SpanLink link{};
  if (previous != nullptr) link.context = *previous;
  const std::int64_t body_size = record.value ? static_cast<std::int64_t>(record.value->size()) : 0;
  const std::string_view name = send_span_name(record.topic);
  const auto start = [&](std::initializer_list<otel::SpanAttribute> attributes) {
    return backend_->start_span(
        name, {.kind = SpanKind::kProducer,
               .parent = parent,
               .attributes = attributes,
               .links = previous != nullptr ? std::span<const otel::SpanLink>(&link, 1)
                                            : std::span<const otel::SpanLink>()});
  };
  // server.port is known at construction: passed with the others rather than set afterwards
  // (each set_attribute takes the span's lock), in the same position as before.
  auto span = server_.port > 0 ? start({{sc::kMessagingSystem, sc::kSystemKafka},
                                        {sc::kMessagingOperationType, sc::kOperationTypeSend},
                                        {sc::kMessagingOperationName, sc::kOperationNameSend},
                                        {sc::kMessagingDestinationName, record.topic},
                                        {sc::kMessagingClientId, client_id_},
                                        {sc::kMessagingMessageBodySize, body_size},
                                        {sc::kServerAddress, server_.address},
                                        {sc::kServerPort, server_.port}})
                               : start({{sc::kMessagingSystem, sc::kSystemKafka},
                                        {sc::kMessagingOperationType, sc::kOperationTypeSend},
                                        {sc::kMessagingOperationName, sc::kOperationNameSend},
                                        {sc::kMessagingDestinationName, record.topic},
                                        {sc::kMessagingClientId, client_id_},
                                        {sc::kMessagingMessageBodySize, body_size},
                                        {sc::kServerAddress, server_.address}});
  if (!span->is_recording()) return span;
  const bool key_is_text = record.key && is_valid_utf8(*record.key);
  if (key_is_text) span->set_attribute(sc::kMessagingKafkaMessageKey, *record.key);
  if (record.partition) {
    char digits[16];
    auto end = std::to_chars(digits, digits + sizeof digits, *record.partition).ptr;
    span->set_attribute(sc::kMessagingDestinationPartitionId,
                        std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  if (attempt > 1) span->set_attribute(kAttemptAttribute, attempt);
  if (sc::emit_old_names(mode_))
    set_old_start_attributes(*span, record, client_id_, server_, key_is_text);
  return span;
}

void ProducerTelemetry::inject(const otel::Context& parent,
                               const std::shared_ptr<otel::BackendSpan>& span,
                               rd_kafka_headers_t* headers) const noexcept {
  try {
    inject_context(headers, span ? backend_->context_with_span(parent, span) : parent,
                   backend_.get());
  } catch (...) {
    // Out of memory building the context: the record goes without trace headers.
  }
}

void ProducerTelemetry::end_send(otel::BackendSpan* span, const DeliveryResult& result,
                                 std::chrono::steady_clock::duration elapsed,
                                 bool retrying) const noexcept {
  const std::string_view error_type =
      result.error ? std::string_view(result.error->name) : std::string_view{};
  if (span != nullptr && span->is_recording()) {
    if (result.partition >= 0) {
      char digits[16];
      auto end = std::to_chars(digits, digits + sizeof digits, result.partition).ptr;
      span->set_attribute(sc::kMessagingDestinationPartitionId,
                          std::string_view(digits, static_cast<std::size_t>(end - digits)));
      if (sc::emit_old_names(mode_))
        span->set_attribute(sc::old::kMessagingKafkaPartition, result.partition);
    }
    if (result.offset >= 0) {
      span->set_attribute(sc::kMessagingKafkaOffset, result.offset);
      if (sc::emit_old_names(mode_))
        span->set_attribute(sc::old::kMessagingKafkaMessageOffset, result.offset);
    }
    if (result.error) {
      span->set_attribute(sc::kErrorType, error_type);
      span->set_status(otel::StatusCode::kError, result.error->message);
      if (retrying) span->add_event("kafkatrace.send.retry_scheduled", {}, std::nullopt);
    }
  }
  if (span != nullptr) span->end(std::nullopt);

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
