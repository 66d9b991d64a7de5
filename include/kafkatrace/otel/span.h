// Span: one operation in a trace. Started by Tracer::start_span, held by std::shared_ptr, ended
// once with end(). A recording span collects attributes, events, links and a status; a
// non-recording one (unsampled, or the SDK disabled) only carries its SpanContext so that the
// trace still propagates, and every method on it returns at once.
//
//   auto span = tracer.start_span("orders publish", {.kind =
//   kafkatrace::otel::SpanKind::kProducer}); span->set_attribute("messaging.kafka.partition", 3);
//   span->end();
//
// Threading: every method may be called from any thread, concurrently (a producer span is often
// started on the application thread and ended by a delivery report on librdkafka's broker
// thread). A recording span guards its data with a short spinlock; a non-recording span takes no
// lock and allocates nothing. No method throws. After end(), further changes are ignored.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/span_context.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::otel {

namespace internal {
class ProviderState;
}

// An attribute value passed into the API without copying strings: a view that is valid for the
// duration of the call only. Scalars convert implicitly (integers to int64, floats to double);
// arrays are taken by value.
class AttributeArg final {
 public:
  using Value = std::variant<bool, std::int64_t, double, std::string_view, AttributeValue>;

  AttributeArg(bool value) noexcept : value_(std::in_place_type<bool>, value) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) AttributeArg(T value)
  noexcept : value_(std::in_place_type<std::int64_t>, static_cast<std::int64_t>(value)) {}
  template <std::floating_point T>
  AttributeArg(T value) noexcept : value_(std::in_place_type<double>, static_cast<double>(value)) {}
  AttributeArg(std::string_view value) noexcept
      : value_(std::in_place_type<std::string_view>, value) {}
  AttributeArg(const char* value) noexcept
      : value_(std::in_place_type<std::string_view>, value ? value : "") {}
  AttributeArg(const std::string& value) noexcept
      : value_(std::in_place_type<std::string_view>, value) {}
  AttributeArg(std::vector<bool> value)
      : value_(std::in_place_type<AttributeValue>, std::move(value)) {}
  AttributeArg(std::vector<std::int64_t> value)
      : value_(std::in_place_type<AttributeValue>, std::move(value)) {}
  AttributeArg(std::vector<double> value)
      : value_(std::in_place_type<AttributeValue>, std::move(value)) {}
  AttributeArg(std::vector<std::string> value)
      : value_(std::in_place_type<AttributeValue>, std::move(value)) {}
  AttributeArg(AttributeValue value)
      : value_(std::in_place_type<AttributeValue>, std::move(value)) {}

  const Value& value() const noexcept { return value_; }
  // An owning copy (allocates for strings longer than the small-string buffer and for arrays).
  AttributeValue to_value() const;

 private:
  Value value_;
};

// A key/value pair as passed to start_span, add_event and add_link: a view, valid during the call.
struct SpanAttribute {
  std::string_view key;
  AttributeArg value;
};

// The span operations instrumentation needs, as an interface: Span implements it, and a bridge
// onto another tracing API (see tracing_backend.h) can too. Calls through a Span (final) are
// direct; calls through a BackendSpan cost one virtual dispatch.
class BackendSpan {
 public:
  virtual ~BackendSpan() = default;
  virtual const SpanContext& context() const noexcept = 0;
  virtual bool is_recording() const noexcept = 0;
  virtual void set_attribute(std::string_view key, const AttributeArg& value) noexcept = 0;
  virtual void add_event(std::string_view name, std::initializer_list<SpanAttribute> attributes,
                         std::optional<std::chrono::system_clock::time_point> time) noexcept = 0;
  virtual void record_exception(std::string_view type, std::string_view message) noexcept = 0;
  virtual void set_status(StatusCode code, std::string_view description) noexcept = 0;
  virtual void end(std::optional<std::chrono::system_clock::time_point> end_time) noexcept = 0;

 protected:
  BackendSpan() = default;
  BackendSpan(const BackendSpan&) = default;
  BackendSpan& operator=(const BackendSpan&) = default;
};

class Span final : public BackendSpan {
 public:
  // A non-recording span that carries `context` (what unsampled and no-op spans are).
  explicit Span(SpanContext context) noexcept : context_(std::move(context)) {}
  // The same, built in place from its parts (what the tracer does for a dropped span).
  Span(const TraceId& trace_id, const SpanId& span_id, TraceFlags flags,
       const TraceState& trace_state) noexcept
      : context_{trace_id, span_id, flags, false, {}} {
    if (trace_state.size() != 0) context_.trace_state = trace_state;  // most traces have none
  }
  // Internal: a recording span; only Tracer::start_span constructs these.
  // `attribute_count`: how many leading elements of data->attributes are live.
  Span(SpanContext context, std::unique_ptr<SpanData> data, std::uint32_t attribute_count,
       std::shared_ptr<internal::ProviderState> provider) noexcept;
  // A recording span that was never ended is ended here, so its data is not lost.
  ~Span() override;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

  const SpanContext& context() const noexcept override { return context_; }
  // True from start until end() for sampled (and record-only) spans; always false otherwise.
  bool is_recording() const noexcept override { return recording_.load(std::memory_order_acquire); }

  // Sets (or replaces) an attribute. Over the attribute count limit new keys are dropped and
  // counted; strings longer than the value length limit are truncated. Empty keys are ignored.
  // On a non-recording span these return at once, inline: nothing is converted or copied.
  void set_attribute(std::string_view key, const AttributeArg& value) noexcept override {
    if (provider_) set_attribute_recording(key, value);
  }
  void add_event(
      std::string_view name, std::initializer_list<SpanAttribute> attributes = {},
      std::optional<std::chrono::system_clock::time_point> time = std::nullopt) noexcept override {
    if (provider_) add_event_recording(name, attributes, time);
  }
  void add_link(const SpanContext& context,
                std::initializer_list<SpanAttribute> attributes = {}) noexcept;
  // Adds an "exception" event with exception.type (the dynamic type) and exception.message.
  void record_exception(const std::exception& exception,
                        std::initializer_list<SpanAttribute> attributes = {}) noexcept;
  void record_exception(std::string_view type, std::string_view message) noexcept override;
  // kOk is final; kError may be replaced by kOk; kUnset is ignored. The description is kept only
  // with kError.
  void set_status(StatusCode code, std::string_view description = {}) noexcept override {
    if (provider_) set_status_recording(code, description);
  }
  void update_name(std::string_view name) noexcept;
  // Ends the span (at `end_time`, default now) and hands it to the processors. Idempotent: only
  // the first call has an effect. Cost on the calling thread: a clock read and a queue push.
  void end(std::optional<std::chrono::system_clock::time_point> end_time =
               std::nullopt) noexcept override {
    if (provider_) end_recording(end_time);
  }

 private:
  class Lock;
  // The recording halves of the methods above (provider_ is set).
  void set_attribute_recording(std::string_view key, const AttributeArg& value) noexcept;
  void add_event_recording(std::string_view name, std::initializer_list<SpanAttribute> attributes,
                           std::optional<std::chrono::system_clock::time_point> time) noexcept;
  void set_status_recording(StatusCode code, std::string_view description) noexcept;
  void end_recording(std::optional<std::chrono::system_clock::time_point> end_time) noexcept;
  void add_event_locked(std::string_view name, std::initializer_list<SpanAttribute> attributes,
                        std::uint64_t time_unix_nano) noexcept;

  SpanContext context_;
  std::atomic<bool> recording_{false};
  std::atomic_flag lock_;
  std::uint32_t attribute_count_ = 0;  // live prefix of data_->attributes (the rest is reused)
  std::unique_ptr<SpanData> data_;     // null when non-recording or ended
  std::shared_ptr<internal::ProviderState> provider_;  // null when non-recording
};

}  // namespace kafkatrace::otel
