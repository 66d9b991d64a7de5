// How `kafkatrace consume` prints a message: one line of text or of JSON, with the trace
// context of the message's process span.
//
//   PollResult polled = consumer.poll(timeout);
//   std::string line = format_message(*polled.message, /*json=*/true);  // before mark_processed
//
// Text: topic=T partition=P offset=O key=K trace_id=X span_id=Y parent_span_id=Z
//       headers=[name=value, ...] value=V   (bytes escaped as printable() does; a null key or
//       value is "(null)", a missing id "-")
// JSON: {"topic","partition","offset","timestamp_ms","key","value","headers":[{"name","value"}],
//        "trace_id","span_id","parent_span_id"} (bytes as JsonObject::bytes_field; a missing id
//        or timestamp is null)
// trace_id/span_id are the process span's; parent_span_id is the span it continues: the
// producer's send span from the message's traceparent header.
#pragma once

#include <string>

#include "kafkatrace/kafka/consumed_message.h"

namespace kafkatrace::cli {

// `message` must still hold its process span (call before mark_processed). No trailing newline.
std::string format_message(const kafka::ConsumedMessage& message, bool json);

}  // namespace kafkatrace::cli
