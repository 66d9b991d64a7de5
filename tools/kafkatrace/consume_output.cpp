#include "consume_output.h"

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "cli_json.h"
#include "produce_consume_common.h"

namespace kafkatrace::cli {
namespace {

struct Header {
  std::string_view name;
  std::optional<std::string_view> value;
};

std::vector<Header> headers_of(const kafka::ConsumedMessage& message) {
  std::vector<Header> headers;
  const rd_kafka_headers_t* list = message.headers();
  if (list == nullptr) return headers;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(list, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    Header header{.name = name, .value = std::nullopt};
    if (value != nullptr) header.value = std::string_view(static_cast<const char*>(value), size);
    headers.push_back(header);
  }
  return headers;
}

// The process span's ids and the id of the span it continues (each empty when unknown).
struct TraceIds {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
};

TraceIds trace_ids_of(const kafka::ConsumedMessage& message) {
  TraceIds ids;
  const otel::SpanContext& own =
      message.span() ? message.span()->context() : message.context().span_context();
  if (own.is_valid()) {
    ids.trace_id = own.trace_id.to_hex();
    ids.span_id = own.span_id.to_hex();
  }
  const otel::SpanContext& producer = message.producer_context().span_context();
  if (producer.is_valid() && producer.trace_id == own.trace_id) {
    ids.parent_span_id = producer.span_id.to_hex();
  }
  return ids;
}

std::string text_bytes(std::optional<std::string_view> bytes) {
  return bytes ? printable(*bytes) : std::string("(null)");
}

std::string text_line(const kafka::ConsumedMessage& message) {
  const TraceIds ids = trace_ids_of(message);
  auto id = [](const std::string& hex) { return hex.empty() ? std::string("-") : hex; };
  std::string headers;
  for (const Header& header : headers_of(message)) {
    if (!headers.empty()) headers += ", ";
    headers += printable(header.name) + "=" + text_bytes(header.value);
  }
  return "topic=" + printable(message.topic()) +
         " partition=" + std::to_string(message.partition()) +
         " offset=" + std::to_string(message.offset()) + " key=" + text_bytes(message.key()) +
         " trace_id=" + id(ids.trace_id) + " span_id=" + id(ids.span_id) +
         " parent_span_id=" + id(ids.parent_span_id) + " headers=[" + headers +
         "] value=" + text_bytes(message.value());
}

std::string json_line(const kafka::ConsumedMessage& message) {
  JsonObject line;
  line.field("topic", message.topic())
      .field("partition", message.partition())
      .field("offset", message.offset());
  if (const auto timestamp = message.timestamp()) {
    line.field("timestamp_ms",
               std::chrono::duration_cast<std::chrono::milliseconds>(timestamp->time_since_epoch())
                   .count());
  } else {
    line.null_field("timestamp_ms");
  }
  line.bytes_field("key", message.key()).bytes_field("value", message.value());
  JsonArray headers;
  for (const Header& header : headers_of(message)) {
    headers.add(
        JsonObject().field("name", header.name).bytes_field("value", header.value).finish());
  }
  line.raw_field("headers", headers.finish());
  const TraceIds ids = trace_ids_of(message);
  auto id = [&line](std::string_view name, const std::string& hex) {
    if (hex.empty()) {
      line.null_field(name);
    } else {
      line.field(name, hex);
    }
  };
  id("trace_id", ids.trace_id);
  id("span_id", ids.span_id);
  id("parent_span_id", ids.parent_span_id);
  return line.finish();
}

}  // namespace

std::string format_message(const kafka::ConsumedMessage& message, bool json) {
  return json ? json_line(message) : text_line(message);
}

}  // namespace kafkatrace::cli
