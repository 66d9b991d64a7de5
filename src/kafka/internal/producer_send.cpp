// ProducerCore::send and ::attempt: building the librdkafka message (headers with the injected
// trace context) and handing it over with rd_kafka_produceva.
#include <array>
#include <chrono>

#include "kafka/internal/producer_core.h"
#include "kafkatrace/kafka/headers.h"

namespace kafkatrace::kafka::internal {
namespace {

struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* headers) const noexcept { rd_kafka_headers_destroy(headers); }
};
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

HeadersPtr make_headers(const ProducerRecord& record) {
  HeadersPtr headers(rd_kafka_headers_new(record.headers.size() + 3));
  for (const RecordHeader& header : record.headers) {
    rd_kafka_header_add(headers.get(), header.name.data(), static_cast<ssize_t>(header.name.size()),
                        header.value ? header.value->data() : nullptr,
                        header.value ? static_cast<ssize_t>(header.value->size()) : 0);
  }
  return headers;
}

}  // namespace

otel::SpanContext ProducerCore::send(const ProducerRecord& record, PendingPtr pending,
                                     const SendOptions& options) {
  outstanding_.fetch_add(1);
  pending->parent = options.parent ? *options.parent : telemetry_->current_context();
  // The span's end time is its start time plus the steady time since attempt_start
  // (ProducerTelemetry::end_send); the start time is read first.
  const auto start_time = telemetry_->start_time_now();
  pending->attempt_start = Clock::now();
  pending->first_start = pending->attempt_start;
  pending->span = telemetry_->start_send(record, pending->parent, 1, nullptr, start_time);
  const otel::SpanContext context = pending->span.context;
  if (retries_enabled_) {
    try {
      pending->record = record;
    } catch (...) {
      // Out of memory: this record gets no retries.
    }
  }
  if (pending->record) {
    const ProducerRecord& kept = *pending->record;
    attempt(kept, std::move(pending));
  } else {
    attempt(record, std::move(pending));
  }
  return context;
}

void ProducerCore::attempt(const ProducerRecord& record, PendingPtr pending) noexcept {
  rd_kafka_resp_err_t refused = RD_KAFKA_RESP_ERR_NO_ERROR;
  const char* detail = nullptr;
  rd_kafka_error_t* error = nullptr;
  try {
    HeadersPtr headers;
    if (!record.headers.empty() || options_.inject_headers) headers = make_headers(record);
    if (options_.inject_headers) telemetry_->inject(pending->parent, pending->span, headers.get());
    if (headers && rd_kafka_header_cnt(headers.get()) == 0) headers.reset();

    std::array<rd_kafka_vu_t, 8> fields{};
    std::size_t count = 0;
    auto add = [&](rd_kafka_vtype_t type) -> auto& {
      fields[count].vtype = type;
      return fields[count++].u;
    };
    add(RD_KAFKA_VTYPE_TOPIC).cstr = record.topic.c_str();
    add(RD_KAFKA_VTYPE_PARTITION).i32 = record.partition.value_or(RD_KAFKA_PARTITION_UA);
    add(RD_KAFKA_VTYPE_MSGFLAGS).i = RD_KAFKA_MSG_F_COPY;
    add(RD_KAFKA_VTYPE_OPAQUE).ptr = pending.get();
    if (record.key) {
      auto& mem = add(RD_KAFKA_VTYPE_KEY).mem;
      mem.ptr = const_cast<char*>(record.key->data());  // copied: RD_KAFKA_MSG_F_COPY
      mem.size = record.key->size();
    }
    if (record.value) {
      auto& mem = add(RD_KAFKA_VTYPE_VALUE).mem;
      mem.ptr = const_cast<char*>(record.value->data());
      mem.size = record.value->size();
    }
    if (record.timestamp) {
      add(RD_KAFKA_VTYPE_TIMESTAMP).i64 = std::chrono::duration_cast<std::chrono::milliseconds>(
                                              record.timestamp->time_since_epoch())
                                              .count();
    }
    if (headers) add(RD_KAFKA_VTYPE_HEADERS).headers = headers.get();
    error = rd_kafka_produceva(handle_, fields.data(), count);
    if (error == nullptr) {
      headers.release();  // librdkafka owns them now
      pending.release();  // and the pending send, until the delivery report
      return;
    }
    refused = rd_kafka_error_code(error);
    detail = rd_kafka_error_string(error);
  } catch (...) {
    refused = RD_KAFKA_RESP_ERR__FAIL;  // out of memory before librdkafka saw the record
  }
  DeliveryResult result;
  try {
    result.topic = record.topic;
    result.attempts = pending->attempt;
    result.error = make_delivery_error(refused, detail);
  } catch (...) {
  }
  if (error != nullptr) rd_kafka_error_destroy(error);
  after_failure(std::move(pending), SentRecord::of(record), std::move(result),
                RD_KAFKA_MSG_STATUS_NOT_PERSISTED);
}

}  // namespace kafkatrace::kafka::internal
