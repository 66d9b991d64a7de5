// Deferred spans (Tracer::start_deferred / end_deferred, what the Kafka producer's send span
// uses) against ordinary spans, through the batch processor to an exporter that discards.
//
// - BM_DeferredProducerSpanBatch: start then end at once, the same 6 attributes as
//   BM_SampledProducerSpanBatch (span_benchmark.cpp), given at the end.
// - BM_*SpansInFlight/N: N spans started before the first is ended, as in a pipelined produce
//   burst where every record's span waits for its delivery report. Ordinary spans hold a
//   SpanData each from start to end, so beyond the pool's depot (16384) they allocate; deferred
//   spans hold a context only and take a SpanData at the end. Time and allocations are per span.
#include <benchmark/benchmark.h>

#include <vector>

#include "counting_allocator.h"
#include "kafkatrace/otel/tracer.h"
#include "tracing_fixtures.h"

namespace kafkatrace::otel {
namespace {

constexpr std::size_t kQueue = std::size_t{1} << 16;

std::shared_ptr<TracerProvider> make_batch_provider() {
  return make_provider(make_batch_processor(std::make_unique<DiscardingExporter>(),
                                            {.max_queue_size = kQueue,
                                             .schedule_delay = std::chrono::milliseconds(5000),
                                             .max_export_batch_size = 512,
                                             .export_timeout = std::chrono::milliseconds(30000)}),
                       make_always_on_sampler());
}

void end_producer_span(const Tracer& tracer, DeferredSpan& span, std::int64_t partition) {
  const SpanAttribute attributes[] = {{"messaging.system", "kafka"},
                                      {"messaging.operation.type", "send"},
                                      {"messaging.destination.name", "orders"},
                                      {"messaging.destination.partition.id", partition & 7},
                                      {"messaging.kafka.message.key", "customer-42"},
                                      {"messaging.client.id", "rdkafka-producer-1"}};
  tracer.end_deferred(span, "orders publish",
                      {.kind = SpanKind::kProducer, .attributes = attributes});
}

void BM_DeferredProducerSpanBatch(benchmark::State& state) {
  auto provider = make_batch_provider();
  const Tracer tracer = provider->get_tracer("bench");
  const OtherThreadsCpu worker;
  std::int64_t partition = 0;
  bench::AllocationCounter allocations;
  for (auto _ : state) {
    DeferredSpan span = tracer.start_deferred("orders publish", {.kind = SpanKind::kProducer});
    end_producer_span(tracer, span, partition++);
  }
  allocations.report(state);
  report_batch(state, *provider, worker);
}
BENCHMARK(BM_DeferredProducerSpanBatch);

// Runs bursts of state.range(0) spans: all started, then all ended. One iteration is one span.
template <typename Start, typename End>
void run_bursts(benchmark::State& state, Start start, End end) {
  const auto burst = static_cast<std::size_t>(state.range(0));
  std::size_t done = 0;
  while (state.KeepRunningBatch(static_cast<benchmark::IterationCount>(burst))) {
    for (std::size_t i = 0; i < burst; ++i) start(i);
    for (std::size_t i = 0; i < burst; ++i) end(i);
    done += burst;
  }
  benchmark::DoNotOptimize(done);
}

void BM_OrdinarySpansInFlight(benchmark::State& state) {
  auto provider = make_batch_provider();
  const Tracer tracer = provider->get_tracer("bench");
  std::vector<std::shared_ptr<Span>> spans(static_cast<std::size_t>(state.range(0)));
  const OtherThreadsCpu worker;
  bench::AllocationCounter allocations;
  run_bursts(
      state,
      [&](std::size_t i) {
        spans[i] = tracer.start_span(
            "orders publish", {.kind = SpanKind::kProducer,
                               .attributes = {{"messaging.system", "kafka"},
                                              {"messaging.operation.type", "send"},
                                              {"messaging.destination.name", "orders"},
                                              {"messaging.destination.partition.id",
                                               static_cast<std::int64_t>(i & 7)},
                                              {"messaging.kafka.message.key", "customer-42"},
                                              {"messaging.client.id", "rdkafka-producer-1"}}});
      },
      [&](std::size_t i) {
        spans[i]->end();
        spans[i].reset();
      });
  allocations.report(state);
  report_batch(state, *provider, worker);
}
BENCHMARK(BM_OrdinarySpansInFlight)->Arg(1024)->Arg(65536);

void BM_DeferredSpansInFlight(benchmark::State& state) {
  auto provider = make_batch_provider();
  const Tracer tracer = provider->get_tracer("bench");
  std::vector<DeferredSpan> spans(static_cast<std::size_t>(state.range(0)));
  const OtherThreadsCpu worker;
  bench::AllocationCounter allocations;
  run_bursts(
      state,
      [&](std::size_t i) {
        spans[i] = tracer.start_deferred("orders publish", {.kind = SpanKind::kProducer});
      },
      [&](std::size_t i) { end_producer_span(tracer, spans[i], static_cast<std::int64_t>(i)); });
  allocations.report(state);
  report_batch(state, *provider, worker);
}
BENCHMARK(BM_DeferredSpansInFlight)->Arg(1024)->Arg(65536);

}  // namespace
}  // namespace kafkatrace::otel
