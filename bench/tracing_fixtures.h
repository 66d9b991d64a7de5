// Shared by the tracing benchmarks: an exporter that discards, a provider over one processor,
// and the batch worker's CPU time and drop rate as counters.
#pragma once

#include <benchmark/benchmark.h>
#include <time.h>

#include <memory>

#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel {

class DiscardingExporter final : public SpanExporter {
 public:
  ExportResult export_spans(std::span<const std::unique_ptr<SpanData>> spans) noexcept override {
    benchmark::DoNotOptimize(spans.data());
    return ExportResult::kSuccess;
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }
};

inline std::shared_ptr<TracerProvider> make_provider(std::unique_ptr<SpanProcessor> processor,
                                                     std::unique_ptr<Sampler> sampler) {
  TracerProviderOptions options;
  options.resource = Resource({{"service.name", std::string("bench")}});
  options.sampler = std::move(sampler);
  options.limits = SpanLimits{};
  options.disabled = false;
  if (processor) options.processors.push_back(std::move(processor));
  return make_tracer_provider(std::move(options));
}

// A sampling-everything provider whose batch processor's queue (65536) is large enough for the
// worker's scheduling delays on a busy machine: the calling thread is measured with (almost) no
// drops.
inline std::shared_ptr<TracerProvider> make_large_queue_batch_provider() {
  return make_provider(make_batch_processor(std::make_unique<DiscardingExporter>(),
                                            {.max_queue_size = std::size_t{1} << 16,
                                             .schedule_delay = std::chrono::milliseconds(5000),
                                             .max_export_batch_size = 512,
                                             .export_timeout = std::chrono::milliseconds(30000)}),
                       make_always_on_sampler());
}

inline double cpu_seconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// CPU time of the process minus that of the calling thread: what the batch worker spent.
class OtherThreadsCpu {
 public:
  OtherThreadsCpu()
      : process_(cpu_seconds(CLOCK_PROCESS_CPUTIME_ID)),
        thread_(cpu_seconds(CLOCK_THREAD_CPUTIME_ID)) {}
  double seconds() const {
    return (cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - process_) -
           (cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - thread_);
  }

 private:
  double process_;
  double thread_;
};

// Flushes (so that the worker has handled every span), then reports the drop rate and the
// worker's CPU time per span: when that is below the calling thread's, one worker keeps up with
// one producing thread as long as it gets a core.
inline void report_batch(benchmark::State& state, TracerProvider& provider,
                         const OtherThreadsCpu& worker) {
  provider.force_flush();
  const TracerStats stats = provider.stats();
  state.counters["dropped/op"] = benchmark::Counter(static_cast<double>(stats.spans_dropped),
                                                    benchmark::Counter::kAvgIterations);
  state.counters["worker_ns/op"] =
      benchmark::Counter(worker.seconds() * 1e9, benchmark::Counter::kAvgIterations);
}

}  // namespace kafkatrace::otel
