#include "kafkatrace/kafka/dead_letter.h"

#include <charconv>
#include <cstdint>

namespace kafkatrace::kafka {
namespace {

std::string decimal(std::int64_t value) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

bool is_error_header(std::string_view name) {
  for (const std::string_view ours :
       {kDeadLetterOriginalTopic, kDeadLetterOriginalPartition, kDeadLetterOriginalOffset,
        kDeadLetterOriginalTimestamp, kDeadLetterConsumerGroup, kDeadLetterErrorType,
        kDeadLetterErrorMessage, kDeadLetterAttempts}) {
    if (name == ours) return true;
  }
  return false;
}

}  // namespace

std::string dead_letter_topic(std::string_view pattern, std::string_view topic) {
  std::string out;
  std::size_t from = 0;
  for (;;) {
    const std::size_t at = pattern.find(kDeadLetterTopicPlaceholder, from);
    out.append(pattern.substr(from, at == std::string_view::npos ? at : at - from));
    if (at == std::string_view::npos) return out;
    out.append(topic);
    from = at + kDeadLetterTopicPlaceholder.size();
  }
}

ProducerRecord make_dead_letter_record(const ConsumedMessage& message, std::string_view topic,
                                       const DeadLetterCause& cause) {
  ProducerRecord record;
  record.topic = std::string(topic);
  if (const auto key = message.key()) record.key = std::string(*key);
  if (const auto value = message.value()) record.value = std::string(*value);
  if (const rd_kafka_headers_t* headers = message.headers()) {
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0; !rd_kafka_header_get_all(headers, i, &name, &value, &size); ++i) {
      if (is_error_header(name)) continue;
      RecordHeader header{.name = name};
      if (value != nullptr) header.value = std::string(static_cast<const char*>(value), size);
      record.headers.push_back(std::move(header));
    }
  }
  const auto add = [&record](std::string_view name, std::string value) {
    record.headers.push_back({.name = std::string(name), .value = std::move(value)});
  };
  add(kDeadLetterOriginalTopic, std::string(message.topic()));
  add(kDeadLetterOriginalPartition, decimal(message.partition()));
  add(kDeadLetterOriginalOffset, decimal(message.offset()));
  if (const auto timestamp = message.timestamp()) {
    add(kDeadLetterOriginalTimestamp,
        decimal(std::chrono::duration_cast<std::chrono::milliseconds>(timestamp->time_since_epoch())
                    .count()));
  }
  if (!cause.consumer_group.empty()) add(kDeadLetterConsumerGroup, cause.consumer_group);
  add(kDeadLetterErrorType, cause.error_type.empty() ? "_OTHER" : cause.error_type);
  add(kDeadLetterErrorMessage, cause.error_message);
  add(kDeadLetterAttempts, decimal(cause.attempts));
  return record;
}

}  // namespace kafkatrace::kafka
