// OTLP/protobuf encoding of Kafka send spans, with the spans' memory warm or cold: what the batch
// processor's worker pays per exported span. In a traced producer the SpanData were written by
// another thread (the delivery-report thread) long before the export, and a queue of thousands of
// them is bigger than this core's caches, so the encoder mostly reads memory it has not seen.
//
// BM_OtlpEncodeSendSpans/<pool>: encodes batches of 512 spans taken in turn from a pool of <pool>
// spans. 512 fits in the caches (warm); 16384 (about 30 MB with their strings) and 65536 do not.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/otel/resource.h"

namespace kafkatrace::otel {
namespace {

constexpr std::size_t kBatch = 512;

// Heap-allocated like the SDK's SpanData: each span, its attribute vector and every long string
// are separate allocations.
std::vector<std::unique_ptr<SpanData>> make_send_spans(std::size_t count) {
  auto scope = std::make_shared<const InstrumentationScope>(
      InstrumentationScope{.name = "kafkatrace", .version = "0.1.0", .schema_url = {}});
  auto resource =
      std::make_shared<const Resource>(Resource({{"service.name", std::string("bench")}}));
  std::vector<std::unique_ptr<SpanData>> spans;
  spans.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto span = std::make_unique<SpanData>();
    span->context.trace_id = TraceId::random();
    span->context.span_id = SpanId::random();
    span->context.trace_flags = TraceFlags{TraceFlags::kSampled};
    span->name = "send kafkatrace-bench-produce-12345";
    span->kind = SpanKind::kProducer;
    span->start_time_unix_nano = 1'700'000'000'000'000'000ULL + i * 1000;
    span->end_time_unix_nano = span->start_time_unix_nano + 2'000'000;
    span->attributes = {
        {"messaging.system", std::string("kafka")},
        {"messaging.operation.type", std::string("send")},
        {"messaging.operation.name", std::string("send")},
        {"messaging.destination.name", std::string("kafkatrace-bench-produce-12345")},
        {"messaging.client.id", std::string("kafkatrace-bench-producer")},
        {"server.address", std::string("127.0.0.1")},
        {"server.port", std::int64_t{9092}},
        {"messaging.kafka.message.key", "key-" + std::to_string(i)},
        {"messaging.destination.partition.id", std::to_string(i % 6)},
        {"messaging.kafka.offset", static_cast<std::int64_t>(i)},
    };
    span->scope = scope;
    span->resource = resource;
    spans.push_back(std::move(span));
  }
  // Recycled SpanData come back in no particular order: neighbours in a batch are not
  // neighbours in memory.
  std::shuffle(spans.begin(), spans.end(), std::mt19937_64(42));
  return spans;
}

void BM_OtlpEncodeSendSpans(benchmark::State& state) {
  const auto pool = make_send_spans(static_cast<std::size_t>(state.range(0)));
  exporters::OtlpTraceEncoder encoder;
  std::size_t next = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::span<const std::unique_ptr<SpanData>> batch(pool.data() + next, kBatch);
    bytes += encoder.encode_protobuf(batch).size();
    next = (next + kBatch) % pool.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.counters["bytes/span"] = benchmark::Counter(
      static_cast<double>(bytes) / static_cast<double>(kBatch), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_OtlpEncodeSendSpans)->Arg(512)->Arg(16384)->Arg(65536);

}  // namespace
}  // namespace kafkatrace::otel
