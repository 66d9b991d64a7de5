#include "kafkatrace/kafka/consumed_message.h"

#include <string>

namespace kafkatrace::kafka {
namespace {

std::optional<std::string_view> bytes(const void* data, std::size_t size) noexcept {
  if (data == nullptr) return std::nullopt;
  return std::string_view(static_cast<const char*>(data), size);
}

}  // namespace

ConsumedMessage::~ConsumedMessage() {
  end_span();
}

ConsumedMessage& ConsumedMessage::operator=(ConsumedMessage&& other) noexcept {
  if (this != &other) {
    end_span();
    message_ = std::move(other.message_);
    producer_context_ = std::move(other.producer_context_);
    context_ = std::move(other.context_);
    span_ = std::move(other.span_);
  }
  return *this;
}

void ConsumedMessage::end_span() noexcept {
  if (span_) {
    span_->end(std::nullopt);
    span_.reset();
  }
}

std::string_view ConsumedMessage::topic() const noexcept {
  if (!message_ || message_->rkt == nullptr) return {};
  return rd_kafka_topic_name(message_->rkt);
}

std::int32_t ConsumedMessage::partition() const noexcept {
  return message_ ? message_->partition : RD_KAFKA_PARTITION_UA;
}

std::int64_t ConsumedMessage::offset() const noexcept {
  return message_ ? message_->offset : RD_KAFKA_OFFSET_INVALID;
}

std::optional<std::string_view> ConsumedMessage::key() const noexcept {
  return message_ ? bytes(message_->key, message_->key_len) : std::nullopt;
}

std::optional<std::string_view> ConsumedMessage::value() const noexcept {
  return message_ ? bytes(message_->payload, message_->len) : std::nullopt;
}

std::int64_t ConsumedMessage::timestamp_ms() const noexcept {
  if (!message_) return -1;
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const std::int64_t ms = rd_kafka_message_timestamp(message_.get(), &type);
  return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ms < 0 ? -1 : ms;
}

std::optional<std::chrono::system_clock::time_point> ConsumedMessage::timestamp() const noexcept {
  const std::int64_t ms = timestamp_ms();
  if (ms < 0) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

const rd_kafka_headers_t* ConsumedMessage::headers() const noexcept {
  if (!message_) return nullptr;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message_.get(), &headers) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return nullptr;
  return headers;
}

std::optional<std::string_view> ConsumedMessage::header(std::string_view name) const noexcept {
  const rd_kafka_headers_t* all = headers();
  if (all == nullptr || name.find('\0') != std::string_view::npos) return std::nullopt;
  std::string key;
  try {
    key.assign(name);
  } catch (...) {
    return std::nullopt;
  }
  const void* value = nullptr;
  std::size_t size = 0;
  if (rd_kafka_header_get_last(all, key.c_str(), &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  return value ? std::string_view(static_cast<const char*>(value), size) : std::string_view{};
}

}  // namespace kafkatrace::kafka
