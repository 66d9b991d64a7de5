// ConsumedMessage: one record a TracedConsumer handed to the application, owning librdkafka's
// message, with the trace context extracted from its headers and (for messages processed one
// at a time) the `process {topic}` span current while the application handles it.
//
//   consumer.run([](const kafkatrace::kafka::ConsumedMessage& message) {
//     handle(message.topic(), message.key().value_or(""), message.value().value_or(""));
//   });
//
// Keys, values and headers are bytes, exposed as views valid while the message lives; a null
// key or value is nullopt (distinct from empty). Threading: a message may be moved to and read
// from another thread, one thread at a time. Lifetime: destroying a message that still holds its
// process span ends that span (status unset). Messages must not outlive their consumer.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/span.h"

namespace kafkatrace::kafka {

namespace internal {
class ConsumerCore;
}

class ConsumedMessage final {
 public:
  ConsumedMessage() noexcept = default;
  ~ConsumedMessage();
  ConsumedMessage(ConsumedMessage&&) noexcept = default;
  ConsumedMessage& operator=(ConsumedMessage&& other) noexcept;
  ConsumedMessage(const ConsumedMessage&) = delete;
  ConsumedMessage& operator=(const ConsumedMessage&) = delete;

  // False for a default-constructed (or moved-from) message.
  explicit operator bool() const noexcept { return message_ != nullptr; }

  std::string_view topic() const noexcept;
  std::int32_t partition() const noexcept;
  std::int64_t offset() const noexcept;
  std::optional<std::string_view> key() const noexcept;
  std::optional<std::string_view> value() const noexcept;
  // CreateTime or LogAppendTime, as the broker reports; nullopt when unavailable.
  std::optional<std::chrono::system_clock::time_point> timestamp() const noexcept;
  // librdkafka's headers (owned by the message), or null when the message has none.
  const rd_kafka_headers_t* headers() const noexcept;
  // The last header named `name` (a null value reads as empty), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const noexcept;

  // What the producer's headers carried (trace context, baggage); an empty/invalid span context
  // when they carried none or could not be parsed.
  const otel::Context& producer_context() const noexcept { return producer_context_; }
  // The context the handler runs in: the process span (one-at-a-time consumption) or the batch's
  // process span's context (batches); equals producer_context() before processing starts.
  const otel::Context& context() const noexcept { return context_; }
  // The message's own process span, or null (batches, or already ended).
  const std::shared_ptr<otel::BackendSpan>& span() const noexcept { return span_; }

  const rd_kafka_message_t* raw() const noexcept { return message_.get(); }

 private:
  friend class internal::ConsumerCore;
  struct Deleter {
    void operator()(rd_kafka_message_t* message) const noexcept {
      rd_kafka_message_destroy(message);
    }
  };
  void end_span() noexcept;
  // The timestamp in milliseconds since the epoch, or -1 when unavailable (what timestamp()
  // returns, without the optional, for the consumer's per-message latency).
  std::int64_t timestamp_ms() const noexcept;

  std::unique_ptr<rd_kafka_message_t, Deleter> message_;
  otel::Context producer_context_;
  otel::Context context_;
  std::shared_ptr<otel::BackendSpan> span_;
  // When it was handed out (steady clock): its processing starts then.
  std::chrono::steady_clock::time_point handed_out_{};
  // Where its consumer keeps the per-topic state of its topic (set when it was taken in).
  std::uint32_t topic_index_ = UINT32_MAX;
};

}  // namespace kafkatrace::kafka
