// What a traced consumer's `process` span costs on the consuming thread, as TracedConsumer
// builds it per message: a child of the producer's (remote) context with a link to it, the
// offset and key, made current while a no-op handler runs, then ended into the batch processor
// (to an exporter that discards). Start and end times are given, as the consumer gives them
// (from steady-clock readings it makes anyway for its metrics). Counters as in
// span_benchmark.cpp.
//
// BM_ConsumerProcessSpan/<shared>: the seven attributes a partition's spans have in common as
// copies in each span (0), or through one SharedAttributes list (1, what TracedConsumer does).
#include <benchmark/benchmark.h>

#include "counting_allocator.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/shared_attributes.h"
#include "kafkatrace/otel/tracer.h"
#include "tracing_fixtures.h"

namespace kafkatrace::otel {
namespace {

void BM_ConsumerProcessSpan(benchmark::State& state) {
  auto provider = make_large_queue_batch_provider();
  const Tracer tracer = provider->get_tracer("bench");
  const bool shared = state.range(0) != 0;
  const auto partition = SharedAttributes::make({{"messaging.system", "kafka"},
                                                 {"messaging.operation.type", "process"},
                                                 {"messaging.operation.name", "process"},
                                                 {"messaging.destination.name", "orders"},
                                                 {"messaging.destination.partition.id", "3"},
                                                 {"messaging.consumer.group.name", "billing"},
                                                 {"messaging.client.id", "rdkafka"}});
  const Context producer = Context{}.with_span_context(
      {TraceId::random(), SpanId::random(), TraceFlags{TraceFlags::kSampled}, true, {}});
  const SpanLink link{.context = producer.span_context(), .attributes = {}};
  std::int64_t offset = 0;
  const auto time = std::chrono::system_clock::now();
  const OtherThreadsCpu worker;
  bench::AllocationCounter allocations;
  for (auto _ : state) {
    std::shared_ptr<Span> span;
    if (shared) {
      span =
          tracer.start_span("process orders", {.kind = SpanKind::kConsumer,
                                               .parent = producer,
                                               .attributes = {{"messaging.kafka.offset", offset++}},
                                               .shared_attributes = partition.get(),
                                               .links = {&link, 1},
                                               .start_time = time});
    } else {
      span = tracer.start_span("process orders",
                               {.kind = SpanKind::kConsumer,
                                .parent = producer,
                                .attributes = {{"messaging.system", "kafka"},
                                               {"messaging.operation.type", "process"},
                                               {"messaging.operation.name", "process"},
                                               {"messaging.destination.name", "orders"},
                                               {"messaging.destination.partition.id", "3"},
                                               {"messaging.consumer.group.name", "billing"},
                                               {"messaging.client.id", "rdkafka"},
                                               {"messaging.kafka.offset", offset++}},
                                .links = {&link, 1},
                                .start_time = time});
    }
    span->set_attribute("messaging.kafka.message.key", "customer-42");
    {
      const Scope scope(producer.with_span(span));
      benchmark::DoNotOptimize(Context::current().span().get());
    }
    span->end(time);
  }
  allocations.report(state);
  report_batch(state, *provider, worker);
}
BENCHMARK(BM_ConsumerProcessSpan)->Arg(0)->Arg(1);

}  // namespace
}  // namespace kafkatrace::otel
