// OTLP/protobuf encoding of Kafka spans, with the spans' memory warm or cold: what the batch
// processor's worker pays per exported span. In a traced producer the SpanData were written by
// another thread (the delivery-report thread) long before the export, and a queue of thousands of
// them is bigger than this core's caches, so the encoder mostly reads memory it has not seen.
//
// BM_OtlpEncodeSendSpans/<pool>: encodes batches of 512 spans taken in turn from a pool of <pool>
// spans. 512 fits in the caches (warm); 16384 (about 30 MB with their strings) and 65536 do not.
// BM_OtlpEncodeProcessSpans/<pool>/<shared>: the same for a consumer's process spans, with the
// topic's attributes copied into each span (0) or shared (1).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/shared_attributes.h"

namespace kafkatrace::otel {
namespace {

constexpr std::size_t kBatch = 512;

// `count` sampled spans with fresh ids, each filled in by fill(span, index). Heap-allocated like
// the SDK's SpanData: each span, its attribute vector and every long string are separate
// allocations. Recycled SpanData come back in no particular order: neighbours in a batch are
// not neighbours in memory, so the spans are shuffled.
template <typename Fill>
std::vector<std::unique_ptr<SpanData>> make_spans(std::size_t count, Fill fill) {
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
    span->start_time_unix_nano = 1'700'000'000'000'000'000ULL + i * 1000;
    span->scope = scope;
    span->resource = resource;
    fill(*span, i);
    spans.push_back(std::move(span));
  }
  std::shuffle(spans.begin(), spans.end(), std::mt19937_64(42));
  return spans;
}

std::vector<std::unique_ptr<SpanData>> make_send_spans(std::size_t count) {
  return make_spans(count, [](SpanData& span, std::size_t i) {
    span.name = "send kafkatrace-bench-produce-12345";
    span.kind = SpanKind::kProducer;
    span.end_time_unix_nano = span.start_time_unix_nano + 2'000'000;
    span.attributes = {
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
  });
}

// A traced consumer's process spans: remote parent, a link to it, nine attributes. With
// `shared`, the six that are the same for every message of the topic come from one
// SharedAttributes list (as TracedConsumer sets them), else each span holds its own copies.
std::vector<std::unique_ptr<SpanData>> make_process_spans(std::size_t count, bool shared) {
  const auto topic =
      SharedAttributes::make({{"messaging.system", "kafka"},
                              {"messaging.operation.type", "process"},
                              {"messaging.operation.name", "process"},
                              {"messaging.destination.name", "kafkatrace-bench-consume-12345"},
                              {"messaging.consumer.group.name", "kafkatrace-bench-group"},
                              {"messaging.client.id", "rdkafka"}});
  return make_spans(count, [&](SpanData& span, std::size_t i) {
    span.parent_span_id = SpanId::random();
    span.parent_is_remote = true;
    span.name = "process kafkatrace-bench-consume-12345";
    span.kind = SpanKind::kConsumer;
    span.end_time_unix_nano = span.start_time_unix_nano + 2'000;
    if (shared) {
      span.shared_attributes = topic;
    } else {
      span.attributes = topic->attributes();
    }
    span.attributes.push_back({"messaging.destination.partition.id", std::to_string(i % 10)});
    span.attributes.push_back({"messaging.kafka.offset", static_cast<std::int64_t>(i)});
    span.attributes.push_back({"messaging.kafka.message.key", "key-" + std::to_string(i)});
    SpanLink link;
    link.context = {
        span.context.trace_id, span.parent_span_id, TraceFlags{TraceFlags::kSampled}, true, {}};
    span.links.push_back(link);
  });
}

// Encodes batches of kBatch spans taken in turn from `pool`.
void encode_batches(benchmark::State& state, const std::vector<std::unique_ptr<SpanData>>& pool) {
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

void BM_OtlpEncodeSendSpans(benchmark::State& state) {
  encode_batches(state, make_send_spans(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_OtlpEncodeSendSpans)->Arg(512)->Arg(16384)->Arg(65536);

void BM_OtlpEncodeProcessSpans(benchmark::State& state) {
  encode_batches(state,
                 make_process_spans(static_cast<std::size_t>(state.range(0)), state.range(1) != 0));
}
BENCHMARK(BM_OtlpEncodeProcessSpans)->ArgsProduct({{512, 16384}, {0, 1}});

}  // namespace
}  // namespace kafkatrace::otel
