// Kafka record headers of librdkafka's C++ API (RdKafka::Headers) as a trace-context carrier,
// plus inject_context / extract_context for them. Same semantics as kafkatrace/kafka/headers.h:
// get() is the last occurrence, set() replaces every occurrence, values are bytes.
//
//   std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
//   kafkatrace::kafka::inject_context(headers.get(), kafkatrace::otel::Context::current());
//   producer->produce(topic, partition, flags, payload, len, key, key_len, 0, headers.release(),
//   0);
//
// Header-only on purpose: kafkatrace itself does not link librdkafka++; code that includes this
// header already uses the C++ API and so links `rdkafka++` (pkg-config module of that name).
//
// Threading and cost: one thread at a time. RdKafka::Headers hands out copies, so get() keeps
// each value it returns in the carrier (one allocation per call; the view lives as long as the
// carrier). Nothing throws: std::bad_alloc inside is caught and the value dropped.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "kafkatrace/kafka/headers.h"
#include "kafkatrace/otel/carrier.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::kafka {

class RdKafkaHeadersCarrier final : public otel::TextMapCarrier {
 public:
  // Read-write; `headers` may be null (nothing read, set() drops).
  explicit RdKafkaHeadersCarrier(RdKafka::Headers* headers) noexcept
      : headers_(headers), writable_(headers) {}
  // Read-only: set() drops its value.
  explicit RdKafkaHeadersCarrier(const RdKafka::Headers* headers) noexcept : headers_(headers) {}

  std::optional<std::string_view> get(std::string_view key) const noexcept override {
    if (headers_ == nullptr) return std::nullopt;
    try {
      const RdKafka::Headers::Header header = headers_->get_last(std::string(key));
      if (header.err() != RdKafka::ERR_NO_ERROR) return std::nullopt;
      return keep(header);
    } catch (...) {
      return std::nullopt;
    }
  }

  void set(std::string_view key, std::string_view value) noexcept override {
    if (writable_ == nullptr || key.empty()) return;
    try {
      const std::string name(key);
      writable_->remove(name);
      writable_->add(name, value.data(), value.size());
    } catch (...) {
      // Out of memory: the header is dropped, as the carrier interface allows.
    }
  }

  void for_each_key(Visitor visit) const noexcept override {
    if (headers_ == nullptr) return;
    try {
      for (const auto& header : headers_->get_all())
        if (!visit(header.key())) return;
    } catch (...) {
    }
  }

  void for_each_value(std::string_view key, Visitor visit) const noexcept override {
    if (headers_ == nullptr) return;
    try {
      for (const auto& header : headers_->get(std::string(key)))
        if (!visit(keep(header))) return;
    } catch (...) {
    }
  }

 private:
  std::string_view keep(const RdKafka::Headers::Header& header) const {
    const char* value = header.value_string();
    return kept_.emplace_back(value ? value : "", value ? header.value_size() : 0);
  }

  const RdKafka::Headers* headers_;
  RdKafka::Headers* writable_ = nullptr;
  mutable std::deque<std::string> kept_;  // values handed out by get(); deque keeps them in place
};

// As for rd_kafka_headers_t (kafkatrace/kafka/headers.h): `backend` null means the process-wide
// propagator; `headers` null does nothing / returns `base`.
inline void inject_context(RdKafka::Headers* headers, const otel::Context& context,
                           const otel::TracingBackend* backend = nullptr) noexcept {
  if (headers == nullptr) return;
  RdKafkaHeadersCarrier carrier(headers);
  (backend ? *backend : default_propagation_backend()).inject(context, carrier);
}

inline otel::Context extract_context(const RdKafka::Headers* headers,
                                     const otel::Context& base = {},
                                     const otel::TracingBackend* backend = nullptr) noexcept {
  if (headers == nullptr) return base;
  const RdKafkaHeadersCarrier carrier(headers);
  return (backend ? *backend : default_propagation_backend()).extract(carrier, base);
}

}  // namespace kafkatrace::kafka
