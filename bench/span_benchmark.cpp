// Span start+end cost on the calling thread: sampled 6-attribute PRODUCER spans through the batch
// and the simple processor (to an exporter that discards), an unsampled span, and a span from
// the no-op provider (what OTEL_SDK_DISABLED=true gives).
#include <benchmark/benchmark.h>

#include "counting_allocator.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel {
namespace {

class DiscardingExporter final : public SpanExporter {
 public:
  ExportResult export_spans(std::span<const std::unique_ptr<SpanData>> spans) noexcept override {
    benchmark::DoNotOptimize(spans.data());
    return ExportResult::kSuccess;
  }
  bool force_flush(std::chrono::microseconds) noexcept override { return true; }
  bool shutdown(std::chrono::microseconds) noexcept override { return true; }
};

std::shared_ptr<TracerProvider> make_provider(std::unique_ptr<SpanProcessor> processor,
                                              std::unique_ptr<Sampler> sampler) {
  TracerProviderOptions options;
  options.resource = Resource({{"service.name", std::string("bench")}});
  options.sampler = std::move(sampler);
  options.limits = SpanLimits{};
  options.disabled = false;
  if (processor) options.processors.push_back(std::move(processor));
  return make_tracer_provider(std::move(options));
}

void run_producer_span(benchmark::State& state, const Tracer& tracer) {
  std::int64_t partition = 0;
  bench::AllocationCounter allocations;
  for (auto _ : state) {
    auto span = tracer.start_span(
        "orders publish", {.kind = SpanKind::kProducer,
                           .attributes = {{"messaging.system", "kafka"},
                                          {"messaging.operation.type", "send"},
                                          {"messaging.destination.name", "orders"},
                                          {"messaging.destination.partition.id", partition++ & 7},
                                          {"messaging.kafka.message.key", "customer-42"},
                                          {"messaging.client.id", "rdkafka-producer-1"}}});
    span->end();
  }
  allocations.report(state);
}

void BM_SampledProducerSpanBatch(benchmark::State& state) {
  BatchOptions options;
  options.max_queue_size = 1 << 16;
  options.max_export_batch_size = 512;
  auto provider =
      make_provider(make_batch_processor(std::make_unique<DiscardingExporter>(), options),
                    make_always_on_sampler());
  run_producer_span(state, provider->get_tracer("bench"));
  state.counters["dropped"] = static_cast<double>(provider->stats().spans_dropped);
}
BENCHMARK(BM_SampledProducerSpanBatch);

void BM_SampledProducerSpanSimple(benchmark::State& state) {
  auto provider = make_provider(make_simple_processor(std::make_unique<DiscardingExporter>()),
                                make_always_on_sampler());
  run_producer_span(state, provider->get_tracer("bench"));
}
BENCHMARK(BM_SampledProducerSpanSimple);

void BM_UnsampledSpan(benchmark::State& state) {
  auto provider = make_provider(make_simple_processor(std::make_unique<DiscardingExporter>()),
                                make_parent_based_sampler(make_always_off_sampler()));
  run_producer_span(state, provider->get_tracer("bench"));
}
BENCHMARK(BM_UnsampledSpan);

void BM_NoopProviderSpan(benchmark::State& state) {
  auto provider = make_noop_tracer_provider();
  run_producer_span(state, provider->get_tracer("bench"));
}
BENCHMARK(BM_NoopProviderSpan);

void BM_SampledSpanNoAttributes(benchmark::State& state) {
  BatchOptions options;
  options.max_queue_size = 1 << 16;
  auto provider =
      make_provider(make_batch_processor(std::make_unique<DiscardingExporter>(), options),
                    make_always_on_sampler());
  const Tracer tracer = provider->get_tracer("bench");
  bench::AllocationCounter allocations;
  for (auto _ : state) tracer.start_span("op")->end();
  allocations.report(state);
}
BENCHMARK(BM_SampledSpanNoAttributes);

}  // namespace
}  // namespace kafkatrace::otel
