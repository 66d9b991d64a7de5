#include "kafka/internal/consumer_dead_letter.h"

#include <charconv>
#include <chrono>
#include <string_view>

#include "kafkatrace/kafka/headers.h"
#include "kafkatrace/kafka/semconv.h"
#include "kafkatrace/log.h"

namespace kafkatrace::kafka::internal {
namespace {

namespace sc = semconv;
namespace mm = otel::messaging_metrics;
constexpr std::string_view kComponent = "kafka.consumer.dead_letter";

bool set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value,
         std::string& error) {
  char message[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), message, sizeof message) ==
      RD_KAFKA_CONF_OK)
    return true;
  error = "dead-letter producer: " + std::string(message);
  return false;
}

}  // namespace

DeadLetterPublisherResult DeadLetterPublisher::create(const DeadLetterOptions& options,
                                                      const std::string& bootstrap_servers) {
  DeadLetterPublisherResult result;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const bool configured = set(conf, "bootstrap.servers", bootstrap_servers, result.error) &&
                          set(conf, "acks", "all", result.error) &&
                          set(conf, "enable.idempotence", "true", result.error);
  bool ok = configured;
  for (const auto& [name, value] : options.producer_properties) {
    if (!ok) break;
    ok = set(conf, name, value, result.error);
  }
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return result;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, &DeadLetterPublisher::on_delivery);
  std::unique_ptr<DeadLetterPublisher> publisher(
      new DeadLetterPublisher(nullptr, options.delivery_timeout));
  rd_kafka_conf_set_opaque(conf, publisher.get());
  char message[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, message, sizeof message);
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    result.error = "dead-letter producer: " + std::string(message);
    return result;
  }
  publisher->handle_ = handle;
  result.publisher = std::move(publisher);
  return result;
}

DeadLetterPublisher::~DeadLetterPublisher() {
  if (handle_ == nullptr) return;
  rd_kafka_flush(handle_, static_cast<int>(timeout_.count()));
  rd_kafka_purge(handle_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(handle_, 0);
  rd_kafka_destroy(handle_);
}

void DeadLetterPublisher::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message,
                                      void* opaque) {
  auto* self = static_cast<DeadLetterPublisher*>(opaque);
  const auto id = reinterpret_cast<std::uintptr_t>(message->_private);
  const auto found = self->reports_.find(id);
  if (found == self->reports_.end()) return;  // a report after its publish gave up
  found->second = {.error = message->err,
                   .partition = message->partition,
                   .offset = message->offset,
                   .done = true};
}

bool DeadLetterPublisher::publish(const ProducerRecord& record, const otel::Context& parent,
                                  const otel::TracingBackend& backend,
                                  const otel::MessagingMetrics& metrics) noexcept {
  try {
    const auto started = std::chrono::steady_clock::now();
    const std::string name = "send " + record.topic;
    otel::StartSpanOptions span_options{
        .kind = otel::SpanKind::kProducer,
        .parent = parent,
        .attributes = {{sc::kMessagingSystem, sc::kSystemKafka},
                       {sc::kMessagingOperationType, sc::kOperationTypeSend},
                       {sc::kMessagingOperationName, sc::kOperationNameSend},
                       {sc::kMessagingDestinationName, record.topic}}};
    const std::shared_ptr<otel::BackendSpan> span = backend.start_span(name, span_options);

    rd_kafka_headers_t* headers = rd_kafka_headers_new(record.headers.size() + 3);
    for (const auto& header : record.headers) {
      rd_kafka_header_add(headers, header.name.data(), static_cast<ssize_t>(header.name.size()),
                          header.value ? header.value->data() : nullptr,
                          header.value ? static_cast<ssize_t>(header.value->size()) : 0);
    }
    inject_context(headers, backend.context_with_span(parent, span), &backend);

    const std::uint64_t id = next_id_++;
    reports_[id] = Report{};
    // rd_kafka_produceva rather than the RD_KAFKA_V_* macros, whose C casts -Werror rejects.
    rd_kafka_vu_t fields[6] = {};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = record.topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[1].u.i = RD_KAFKA_MSG_F_COPY;
    fields[2].vtype = RD_KAFKA_VTYPE_KEY;
    fields[2].u.mem = {record.key ? const_cast<char*>(record.key->data()) : nullptr,
                       record.key ? record.key->size() : 0};
    fields[3].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[3].u.mem = {record.value ? const_cast<char*>(record.value->data()) : nullptr,
                       record.value ? record.value->size() : 0};
    fields[4].vtype = RD_KAFKA_VTYPE_HEADERS;
    fields[4].u.headers = headers;
    fields[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
    fields[5].u.ptr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(id));
    rd_kafka_resp_err_t queued = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (rd_kafka_error_t* failed = rd_kafka_produceva(handle_, fields, 6)) {
      queued = rd_kafka_error_code(failed);
      rd_kafka_error_destroy(failed);
    }
    Report report;
    if (queued != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(headers);  // not taken over on failure
      report.error = queued;
    } else {
      const auto deadline = started + timeout_;
      while (!reports_[id].done && std::chrono::steady_clock::now() < deadline)
        rd_kafka_poll(handle_, 20);
      report = reports_[id];
    }
    reports_.erase(id);

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (report.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      char id_text[16];
      const auto end = std::to_chars(id_text, id_text + sizeof id_text, report.partition).ptr;
      span->set_attribute(sc::kMessagingDestinationPartitionId,
                          std::string_view(id_text, static_cast<std::size_t>(end - id_text)));
      span->set_attribute(sc::kMessagingKafkaOffset, report.offset);
      span->end(std::nullopt);
      metrics.client_sent_messages.add(1, {{mm::kSystem, mm::kSystemKafka},
                                           {mm::kOperationName, sc::kOperationNameSend},
                                           {mm::kDestinationName, record.topic}});
      metrics.client_operation_duration.record(seconds,
                                               {{mm::kSystem, mm::kSystemKafka},
                                                {mm::kOperationName, sc::kOperationNameSend},
                                                {mm::kOperationType, sc::kOperationTypeSend},
                                                {mm::kDestinationName, record.topic}});
      return true;
    }
    const std::string_view error_name = rd_kafka_err2name(report.error);
    span->set_attribute(sc::kErrorType, error_name);
    span->set_status(otel::StatusCode::kError, rd_kafka_err2str(report.error));
    span->end(std::nullopt);
    metrics.client_sent_messages.add(1, {{mm::kSystem, mm::kSystemKafka},
                                         {mm::kOperationName, sc::kOperationNameSend},
                                         {mm::kDestinationName, record.topic},
                                         {mm::kErrorType, error_name}});
    log(LogLevel::kError, kComponent,
        "publishing to dead-letter topic " + record.topic +
            " failed: " + rd_kafka_err2str(report.error));
    return false;
  } catch (...) {
    log(LogLevel::kError, kComponent, "publishing a dead-letter record failed: out of memory");
    return false;
  }
}

}  // namespace kafkatrace::kafka::internal
