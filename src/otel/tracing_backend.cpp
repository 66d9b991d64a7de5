// The TracingBackend over our SDK: thin forwarding to Tracer, Span, Context and the propagator.
#include "kafkatrace/otel/tracing_backend.h"

#include <typeinfo>

#include "otel/internal/span_attributes.h"

namespace kafkatrace::otel {

DeferredSpan TracingBackend::start_deferred(std::string_view name,
                                            const StartSpanOptions& options) const noexcept {
  DeferredSpan deferred;
  deferred.span = start_span(name, options);
  deferred.context = deferred.span->context();
  deferred.recording = deferred.span->is_recording();
  return deferred;
}

void TracingBackend::end_deferred(DeferredSpan& span, std::string_view,
                                  const DeferredSpanEnd& end) const noexcept {
  if (!span.span) return;
  internal::end_backend_span(*span.span, end);
  span.span.reset();
  span.recording = false;
}

namespace {

class SdkTracingBackend final : public TracingBackend {
 public:
  SdkTracingBackend(Tracer tracer, std::shared_ptr<const TextMapPropagator> propagator) noexcept
      : tracer_(std::move(tracer)), propagator_(std::move(propagator)) {}

  bool enabled() const noexcept override { return tracer_.enabled(); }

  std::shared_ptr<BackendSpan> start_span(std::string_view name,
                                          const StartSpanOptions& options) const noexcept override {
    return tracer_.start_span(name, options);
  }

  Context context_with_span(const Context& base,
                            const std::shared_ptr<BackendSpan>& span) const override {
    if (!span) return base.with_span(nullptr);
    if (typeid(*span) != typeid(Span)) return base.with_span_context(span->context());
    return base.with_span(std::static_pointer_cast<Span>(span));
  }

  DeferredSpan start_deferred(std::string_view name,
                              const StartSpanOptions& options) const noexcept override {
    return tracer_.start_deferred(name, options);
  }

  void end_deferred(DeferredSpan& span, std::string_view name,
                    const DeferredSpanEnd& end) const noexcept override {
    tracer_.end_deferred(span, name, end);
  }

  Context current_context() const noexcept override { return Context::current(); }

  void inject(const Context& context, TextMapCarrier& carrier) const noexcept override {
    propagator().inject(context, carrier);
  }

  Context extract(const TextMapCarrier& carrier, const Context& base) const noexcept override {
    return propagator().extract(carrier, base);
  }

 private:
  const TextMapPropagator& propagator() const noexcept {
    return propagator_ ? *propagator_ : global_propagator();
  }

  Tracer tracer_;
  std::shared_ptr<const TextMapPropagator> propagator_;
};

}  // namespace

std::unique_ptr<TracingBackend> make_sdk_tracing_backend(
    Tracer tracer, std::shared_ptr<const TextMapPropagator> propagator) {
  return std::make_unique<SdkTracingBackend>(std::move(tracer), std::move(propagator));
}

}  // namespace kafkatrace::otel
