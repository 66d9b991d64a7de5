// ProviderState: what a TracerProvider shares with its Tracers and recording Spans — resource,
// sampler, processors, limits, counters. Kept alive by shared_ptr from each of them, so a span
// ended after its provider was destroyed still reaches valid (shut down) state.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/tracer.h"
#include "otel/internal/sampler_plan.h"

namespace kafkatrace::otel::internal {

class ProviderState final {
 public:
  ProviderState(Resource resource, std::unique_ptr<Sampler> sampler,
                std::vector<std::unique_ptr<SpanProcessor>> processors, SpanLimits limits,
                bool enabled);
  ~ProviderState();

  // False for a no-op provider and after shutdown: start_span then returns non-recording spans.
  bool accepting() const noexcept {
    return enabled_ && !shut_down_.load(std::memory_order_relaxed);
  }
  bool enabled() const noexcept { return enabled_; }
  const SpanLimits& limits() const noexcept { return limits_; }
  const Sampler& sampler() const noexcept { return *sampler_; }
  // The sampler as data when it is built in (see sampler_plan.h).
  const SamplerPlan& sampler_plan() const noexcept { return sampler_plan_; }
  const std::shared_ptr<const Resource>& resource() const noexcept { return resource_; }

  // True when a processor needs on_start with a Span (then spans are not deferred).
  bool start_required() const noexcept { return start_required_; }
  // A deferred span started (its processors see it only at the end).
  void count_start() noexcept { started_.fetch_add(1, std::memory_order_relaxed); }
  void on_start(Span& span, const Context& parent) noexcept {
    started_.fetch_add(1, std::memory_order_relaxed);
    for (auto& processor : processors_) processor->on_start(span, parent);
  }
  // Counts the span as ended and hands it to the processors (copies for all but the last).
  void on_end(std::unique_ptr<SpanData> span) noexcept;

  std::shared_ptr<const InstrumentationScope> scope(std::string_view name, std::string_view version,
                                                    std::string_view schema_url);
  bool force_flush(std::chrono::microseconds timeout) noexcept;
  bool shutdown(std::chrono::microseconds timeout) noexcept;
  TracerStats stats() const noexcept;

 private:
  const bool enabled_;
  std::shared_ptr<const Resource> resource_;
  std::unique_ptr<Sampler> sampler_;
  const SamplerPlan sampler_plan_;
  std::vector<std::unique_ptr<SpanProcessor>> processors_;
  const SpanLimits limits_;
  bool start_required_ = false;
  std::atomic<bool> shut_down_{false};
  alignas(64) std::atomic<std::uint64_t> started_{0};
  alignas(64) std::atomic<std::uint64_t> ended_{0};
  alignas(64) std::mutex mutex_;  // scopes_ and shutdown
  std::map<std::tuple<std::string, std::string, std::string>,
           std::shared_ptr<const InstrumentationScope>, std::less<>>
      scopes_;
};

// Pooled SpanData: cleared except `name` and `attributes`, whose strings (and elements) are left
// in place for reuse (a Span overwrites the elements and trims the vector at end()), and `scope`
// and `resource`, which may still point to those of an earlier span (the tracer overwrites them
// only when they differ). The caller sets the context's ids and flags.
std::unique_ptr<SpanData> acquire_span_data();
// Lets the pool keep up to `count` recycled SpanData (a batch processor's queue and batch).
void reserve_span_data(std::size_t count) noexcept;

}  // namespace kafkatrace::otel::internal
