// SwitchableTracing: a TracingBackend that forwards to another one chosen at run time, so that one
// long-lived producer and consumer (one consumer-group join, no cold-start stalls) can be traced
// by a fresh tracer provider per measurement.
//
//   auto tracing = std::make_shared<SwitchableTracing>();
//   tracing->use(otel::make_sdk_tracing_backend(provider->get_tracer("outage")));
//   ... producer and consumer created with .tracing = tracing ...
//
// Threads: every forwarding call may run on any thread. use() must only be called while no
// span is being started or ended (between measurements): spans started before the switch still
// end on their own provider, but a call racing the switch may reach either backend. Backends
// given to use() are kept alive until this object dies, so a racing call never dangles. Cost: one
// atomic load and one virtual call per operation.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "kafkatrace/otel/tracer.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::reliability {

class SwitchableTracing final : public otel::TracingBackend {
 public:
  // Starts on a no-op backend (non-recording spans, no provider).
  SwitchableTracing() { use(otel::make_sdk_tracing_backend(otel::Tracer{})); }

  void use(std::shared_ptr<otel::TracingBackend> backend) {
    std::lock_guard lock(mutex_);
    target_.store(backend.get(), std::memory_order_release);
    kept_.push_back(std::move(backend));
  }

  bool enabled() const noexcept override { return target().enabled(); }
  std::shared_ptr<otel::BackendSpan> start_span(
      std::string_view name, const otel::StartSpanOptions& options) const noexcept override {
    return target().start_span(name, options);
  }
  otel::Context context_with_span(const otel::Context& base,
                                  const std::shared_ptr<otel::BackendSpan>& span) const override {
    return target().context_with_span(base, span);
  }
  otel::Context current_context() const noexcept override { return target().current_context(); }
  void inject(const otel::Context& context, otel::TextMapCarrier& carrier) const noexcept override {
    target().inject(context, carrier);
  }
  otel::Context extract(const otel::TextMapCarrier& carrier,
                        const otel::Context& base) const noexcept override {
    return target().extract(carrier, base);
  }

 private:
  const otel::TracingBackend& target() const noexcept {
    return *target_.load(std::memory_order_acquire);
  }

  std::atomic<const otel::TracingBackend*> target_{nullptr};
  std::mutex mutex_;  // guards kept_
  std::vector<std::shared_ptr<otel::TracingBackend>> kept_;
};

}  // namespace kafkatrace::reliability
