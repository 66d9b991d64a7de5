// TracerProvider and Tracer: the entry points of the tracing SDK. A provider owns the resource,
// sampler, processors and span limits; a Tracer (one per instrumentation scope) starts spans.
//
//   kafkatrace::otel::TracerProviderOptions options;
//   options.processors.push_back(kafkatrace::otel::make_batch_processor(std::move(exporter)));
//   auto provider = kafkatrace::otel::make_tracer_provider(std::move(options));  // keep it
//   auto span = provider->get_tracer("app").start_span("publish", {.kind = SpanKind::kProducer});
//
// Threading: everything here is thread-safe. start_span runs on the caller's thread: for an
// unsampled span it costs id generation and the sampling decision (inline for the built-in
// samplers) and allocates nothing in the steady state; a sampled span reuses pooled SpanData.
// Measured costs: docs/benchmarks.md. Lifetime: Tracers and spans keep the provider's internals
// alive; after shutdown, new spans are non-recording.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/deferred_span.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/shared_attributes.h"
#include "kafkatrace/otel/span.h"
#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::otel {

namespace internal {
class ProviderState;
}

// The specification's span limits. from_environment reads OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT
// (falling back to OTEL_ATTRIBUTE_COUNT_LIMIT), OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT (falling
// back to OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT), OTEL_SPAN_EVENT_COUNT_LIMIT,
// OTEL_SPAN_LINK_COUNT_LIMIT, OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT, OTEL_LINK_ATTRIBUTE_COUNT_LIMIT.
struct SpanLimits {
  static constexpr std::uint32_t kUnlimited = UINT32_MAX;
  std::uint32_t attribute_count = 128;
  std::uint32_t attribute_value_length = kUnlimited;  // in bytes, cut at a UTF-8 boundary
  std::uint32_t event_count = 128;
  std::uint32_t link_count = 128;
  std::uint32_t event_attribute_count = 128;
  std::uint32_t link_attribute_count = 128;

  static SpanLimits from_environment();
};

struct StartSpanOptions {
  SpanKind kind = SpanKind::kInternal;
  // The parent; unset means Context::current(). Pass Context{} to force a new trace.
  std::optional<Context> parent{};
  // Views (also shown to the sampler); valid during the call.
  std::initializer_list<SpanAttribute> attributes{};
  // Attributes the span shares with others (see shared_attributes.h), ahead of `attributes`; the
  // span keeps a reference. Null: none.
  const SharedAttributes* shared_attributes = nullptr;
  std::span<const SpanLink> links{};
  std::optional<std::chrono::system_clock::time_point> start_time{};  // default: now
};

class Tracer final {
 public:
  // A no-op tracer: its spans are non-recording and carry the parent's context.
  Tracer() noexcept = default;

  // Never null, never throws. The span is not made current: use Scope for that.
  std::shared_ptr<Span> start_span(std::string_view name,
                                   const StartSpanOptions& options = {}) const noexcept;
  // A span recorded only when it ends (see deferred_span.h): the sampling decision and ids now
  // (`options` as for start_span), the data at end_deferred. An unsampled span costs what it
  // costs in start_span, without the Span object.
  DeferredSpan start_deferred(std::string_view name,
                              const StartSpanOptions& options = {}) const noexcept;
  // Writes and ends `span` (a second call does nothing). `name` is the span's name (pass the
  // same as to start_deferred). Cost of a sampled span: a pooled SpanData filled in, a clock
  // read and the processors' on_end, on the calling thread.
  void end_deferred(DeferredSpan& span, std::string_view name,
                    const DeferredSpanEnd& end) const noexcept;
  // False for a no-op tracer (SDK disabled, provider shut down): callers may skip work.
  bool enabled() const noexcept;
  const InstrumentationScope* scope() const noexcept { return scope_.get(); }

 private:
  friend class TracerProvider;
  Tracer(std::shared_ptr<internal::ProviderState> state,
         std::shared_ptr<const InstrumentationScope> scope) noexcept
      : state_(std::move(state)), scope_(std::move(scope)) {}

  std::shared_ptr<internal::ProviderState> state_;
  std::shared_ptr<const InstrumentationScope> scope_;
};

// Self-observability of a provider: spans started/ended (recording spans) and the sums over its
// processors. Every sampled span ends up exported, dropped or failed.
struct TracerStats {
  std::uint64_t spans_started = 0;
  std::uint64_t spans_ended = 0;
  std::uint64_t spans_dropped = 0;
  std::uint64_t spans_exported = 0;
  std::uint64_t spans_export_failed = 0;
  std::uint64_t export_failures = 0;
};

struct TracerProviderOptions {
  std::optional<Resource> resource{};  // default: Resource::from_environment()
  std::unique_ptr<Sampler> sampler{};  // default: sampler_from_environment()
  std::vector<std::unique_ptr<SpanProcessor>> processors{};
  std::optional<SpanLimits> limits{};  // default: SpanLimits::from_environment()
  std::optional<bool> disabled{};      // default: OTEL_SDK_DISABLED
};

class TracerProvider final {
 public:
  explicit TracerProvider(std::shared_ptr<internal::ProviderState> state) noexcept;
  // Shuts down (flushing queued spans) if shutdown was not called.
  ~TracerProvider();
  TracerProvider(const TracerProvider&) = delete;
  TracerProvider& operator=(const TracerProvider&) = delete;

  // Tracers of equal (name, version, schema_url) share one InstrumentationScope.
  Tracer get_tracer(std::string_view name, std::string_view version = {},
                    std::string_view schema_url = {});
  bool force_flush(std::chrono::microseconds timeout = std::chrono::seconds(30)) noexcept;
  // Flushes and stops the processors; later spans are non-recording. Idempotent.
  bool shutdown(std::chrono::microseconds timeout = std::chrono::seconds(30)) noexcept;
  TracerStats stats() const noexcept;
  bool enabled() const noexcept;
  const Resource& resource() const noexcept;
  std::string sampler_description() const;

 private:
  std::shared_ptr<internal::ProviderState> state_;
};

std::shared_ptr<TracerProvider> make_tracer_provider(TracerProviderOptions options = {});
// A provider whose tracers do nothing (what OTEL_SDK_DISABLED=true gives).
std::shared_ptr<TracerProvider> make_noop_tracer_provider();
// True when OTEL_SDK_DISABLED is "true" (case-insensitive).
bool sdk_disabled_from_environment() noexcept;

// The process-wide provider; a no-op provider until one is set. Replacing it does not shut the
// old one down (its last owner does). The global provider is shut down, flushing its queues,
// during static destruction at normal exit.
void set_global_tracer_provider(std::shared_ptr<TracerProvider> provider);
std::shared_ptr<TracerProvider> global_tracer_provider() noexcept;

}  // namespace kafkatrace::otel
