// Kafka record headers as a trace-context carrier: KafkaHeadersCarrier over librdkafka's
// rd_kafka_headers_t, and inject_context / extract_context for applications that keep their own
// librdkafka code. (RdKafka::Headers, the C++ API, is in kafkatrace/kafka/headers_cpp.h.)
//
//   rd_kafka_headers_t* headers = rd_kafka_headers_new(4);
//   kafkatrace::kafka::inject_context(headers, kafkatrace::otel::Context::current());
//   auto parent = kafkatrace::kafka::extract_context(consumed_message);  // on the consumer side
//
// Semantics (those of otel::TextMapCarrier): get() returns the LAST occurrence of a name; set()
// REPLACES every existing occurrence, so a forwarded record never carries two traceparents.
// Values are bytes: a non-UTF-8 or huge value is returned as it is (propagators reject what they
// cannot parse); a header with a null value reads as an empty value. Names with an embedded NUL
// cannot be looked up through librdkafka's C API and read as absent.
//
// Threading and cost: a carrier is used by one thread at a time, like the headers it wraps;
// get() allocates nothing for names under 64 bytes; set() is one remove plus one add (librdkafka
// copies the value). Nothing here throws. Lifetime: the carrier does not own the headers; the
// views get() returns stay valid until the headers are changed or destroyed.
#pragma once

#include <librdkafka/rdkafka.h>

#include <optional>
#include <string_view>

#include "kafkatrace/otel/carrier.h"
#include "kafkatrace/otel/context.h"

namespace kafkatrace::otel {
class TracingBackend;
}

namespace kafkatrace::kafka {

class KafkaHeadersCarrier final : public otel::TextMapCarrier {
 public:
  // Read-write. `headers` may be null: then nothing is read and set() drops its value.
  explicit KafkaHeadersCarrier(rd_kafka_headers_t* headers) noexcept
      : headers_(headers), writable_(headers) {}
  // Read-only: set() drops its value (for consumed messages, whose headers librdkafka owns).
  explicit KafkaHeadersCarrier(const rd_kafka_headers_t* headers) noexcept : headers_(headers) {}

  std::optional<std::string_view> get(std::string_view key) const noexcept override;
  // Removes every `key` header, then appends one with `value`. On librdkafka's failure (e.g. the
  // headers of a message already produced are read-only) the value is dropped.
  void set(std::string_view key, std::string_view value) noexcept override;
  void for_each_key(Visitor visit) const noexcept override;
  void for_each_value(std::string_view key, Visitor visit) const noexcept override;

  const rd_kafka_headers_t* headers() const noexcept { return headers_; }

 private:
  const rd_kafka_headers_t* headers_;
  rd_kafka_headers_t* writable_ = nullptr;
};

// Writes `context` (traceparent, tracestate, baggage: whatever the propagator writes) into
// `headers`, replacing headers of the same names. `backend` null: the process-wide propagator
// (otel::global_propagator(), looked up at each call). `headers` null: does nothing.
void inject_context(rd_kafka_headers_t* headers, const otel::Context& context,
                    const otel::TracingBackend* backend = nullptr) noexcept;

// `base` plus the trace context and baggage found in `headers` (null: `base`).
otel::Context extract_context(const rd_kafka_headers_t* headers, const otel::Context& base = {},
                              const otel::TracingBackend* backend = nullptr) noexcept;
// The same for a consumed message's headers (a message without headers gives `base`). Call it
// before the message is destroyed; the result owns all it needs.
otel::Context extract_context(const rd_kafka_message_t* message, const otel::Context& base = {},
                              const otel::TracingBackend* backend = nullptr) noexcept;

// The backend the helpers use when given none: propagation through otel::global_propagator()
// (looked up at each call); its spans are non-recording. Lives until the process exits.
const otel::TracingBackend& default_propagation_backend() noexcept;

}  // namespace kafkatrace::kafka
