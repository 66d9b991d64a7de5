// ProducerTelemetry: the spans, header injection and metrics of TracedProducer, kept apart from
// the librdkafka plumbing (producer_core.h). Uses the tracing core only through TracingBackend.
//
// Threading: immutable after construction (but for the per-topic metric bindings, which are
// thread-safe); every method may run on any thread at once (start_* on the sending thread, end_*
// on the poll thread, where a sampled send span's data is written). Nothing throws.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kafka/internal/topic_bindings.h"
#include "kafkatrace/kafka/record.h"
#include "kafkatrace/kafka/semconv.h"
#include "kafkatrace/otel/messaging_metrics.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::kafka::internal {

// Where the spans say the producer talks to: the first bootstrap server.
struct ServerEndpoint {
  std::string address{};
  int port = 0;  // 0: unknown (not set on spans)
};
ServerEndpoint parse_first_server(std::string_view bootstrap_servers);

bool is_valid_utf8(std::string_view text) noexcept;

// What a send span says of its record, read from the record or from its delivery report (which
// carries librdkafka's copy of the key and value).
struct SentRecord {
  std::optional<std::string_view> key{};
  std::optional<std::size_t> value_size{};
  std::optional<std::int32_t> partition{};  // as requested

  static SentRecord of(const ProducerRecord& record) noexcept;
  static SentRecord of(const rd_kafka_message_t& message) noexcept;
};

class ProducerTelemetry {
 public:
  ProducerTelemetry(std::shared_ptr<otel::TracingBackend> backend, otel::MessagingMetrics metrics,
                    semconv::SemconvMode mode, std::string client_id, ServerEndpoint server);

  bool tracing_enabled() const noexcept { return enabled_; }
  otel::Context current_context() const noexcept { return backend_->current_context(); }

  // The span of one send attempt of `record` (attempt 1: the first). `previous` (attempt > 1) is
  // the context of the failed attempt before, linked from the new span. Deferred: the span is
  // written when it ends (see otel/deferred_span.h), so a burst of open sends holds no SpanData.
  // `start_time`: from start_time_now(), read just before the attempt's steady start.
  otel::DeferredSpan start_send(
      const ProducerRecord& record, const otel::Context& parent, int attempt,
      const otel::SpanContext* previous,
      std::optional<std::chrono::system_clock::time_point> start_time) const noexcept;
  // A send span's start time, read before the steady reading its end time counts from (see
  // end_send): so the end time cannot run ahead of the wall clock at the acknowledgement, however
  // long the thread waits between the two. Unset (no read) when tracing is off.
  std::optional<std::chrono::system_clock::time_point> start_time_now() const noexcept {
    if (!enabled_) return std::nullopt;
    return std::chrono::system_clock::now();
  }
  // Writes the context of `span` (child of `parent`) into `headers`, replacing stale ones.
  void inject(const otel::Context& parent, const otel::DeferredSpan& span,
              rd_kafka_headers_t* headers) const noexcept;
  // Ends the attempt's span with `result` and records the metrics of the attempt. `retrying`:
  // another attempt follows (an event says so). `previous`: as for start_send.
  void end_send(otel::DeferredSpan& span, const SentRecord& sent, const DeliveryResult& result,
                int attempt, const otel::SpanContext& previous,
                std::chrono::steady_clock::duration elapsed, bool retrying) const noexcept;

  // The batch span of send_batch; `topic` empty when the records go to several topics.
  std::shared_ptr<otel::BackendSpan> start_batch(
      std::string_view topic, std::size_t count, const otel::Context& parent,
      std::span<const otel::SpanLink> links,
      std::chrono::system_clock::time_point start) const noexcept;
  void end_batch(otel::BackendSpan& span, std::span<const DeliveryResult> results) const noexcept;

 private:
  // The metrics of a successful send to one topic, bound once.
  struct SentMetrics {
    otel::BoundCounter<std::int64_t> sent;
    otel::BoundHistogram<double> duration;
  };
  const SentMetrics* sent_metrics(std::string_view topic) const noexcept;
  void record_metrics(const DeliveryResult& result,
                      std::chrono::steady_clock::duration elapsed) const noexcept;

  std::shared_ptr<otel::TracingBackend> backend_;
  otel::MessagingMetrics metrics_;
  mutable TopicBindings<SentMetrics> sent_bindings_;
  semconv::SemconvMode mode_;
  std::string client_id_;
  ServerEndpoint server_;
  bool enabled_;
};

}  // namespace kafkatrace::kafka::internal
