// TracingBackend: the narrow view of tracing that the Kafka instrumentation uses — start a span
// (kind, parent, attributes, links), record on it, end it with a status, read the current
// context, and inject/extract a context through the configured propagator.
//
//   auto backend = kafkatrace::otel::make_sdk_tracing_backend(provider->get_tracer("kafkatrace"));
//   auto span = backend->start_span("orders publish", {.kind = SpanKind::kProducer});
//   backend->inject(backend->context_with_span(backend->current_context(), span), carrier);
//
// Why an interface: the instrumentation depends only on this header, so a bridge onto
// opentelemetry-cpp's API (for applications that already run that SDK) is one more
// implementation, with no change to Kafka code. Such a bridge would: start spans with
// opentelemetry::trace::Tracer::StartSpan, mapping StartSpanOptions (kind, parent SpanContext,
// attributes, links) one to one, with shared_attributes' list set ahead of the attributes; wrap the
// returned span in a BackendSpan; keep its span object in our Context under a ContextKey
// (Context::span() holds only our own Span type) and convert SpanContext both ways byte for byte;
// and forward inject/extract to the opentelemetry-cpp global propagator through an adapter over
// TextMapCarrier.
//
// Cost: our SDK implements it directly — one virtual call per operation on top of Tracer/Span,
// no allocation of its own. Threading: all methods are thread-safe and never throw.
#pragma once

#include <memory>
#include <string_view>

#include "kafkatrace/otel/carrier.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/deferred_span.h"
#include "kafkatrace/otel/propagator.h"
#include "kafkatrace/otel/span.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel {

class TracingBackend {
 public:
  virtual ~TracingBackend() = default;

  // False when tracing is off (no-op provider, SDK disabled): callers may skip building
  // attributes. Spans are still returned and still carry the parent's context.
  virtual bool enabled() const noexcept = 0;
  // Never null. `options.parent` unset means the current context.
  virtual std::shared_ptr<BackendSpan> start_span(
      std::string_view name, const StartSpanOptions& options) const noexcept = 0;
  // `base` with `span` as the active span (for Scope, or as an explicit parent). `span` must come
  // from this backend's start_span.
  virtual Context context_with_span(const Context& base,
                                    const std::shared_ptr<BackendSpan>& span) const = 0;
  // A span recorded in one step at its end (deferred_span.h). The defaults start an ordinary
  // span at once and set what end_deferred is given on it, so a bridge need not implement them;
  // our SDK's backend defers.
  virtual DeferredSpan start_deferred(std::string_view name,
                                      const StartSpanOptions& options) const noexcept;
  virtual void end_deferred(DeferredSpan& span, std::string_view name,
                            const DeferredSpanEnd& end) const noexcept;
  virtual Context current_context() const noexcept = 0;
  virtual void inject(const Context& context, TextMapCarrier& carrier) const noexcept = 0;
  virtual Context extract(const TextMapCarrier& carrier, const Context& base) const noexcept = 0;

 protected:
  TracingBackend() = default;
};

// The backend over our own SDK. `propagator` defaults to global_propagator() looked up at each
// call (so a later set_global_propagator is honoured).
std::unique_ptr<TracingBackend> make_sdk_tracing_backend(
    Tracer tracer, std::shared_ptr<const TextMapPropagator> propagator = nullptr);

}  // namespace kafkatrace::otel
