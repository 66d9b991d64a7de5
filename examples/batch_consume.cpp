// Batch consume: TracedConsumer::run_batch hands the application up to N messages at a time. A
// batch cannot be the child of every producer's span, so the instrumentation records
//   poll {topic}     CLIENT   the receive, with messaging.batch.message_count
//   process {topic}  CONSUMER its child, with one span LINK per message (to that message's
//                    producer span; the link carries the partition and offset)
// and the batch handler runs with the process span current. Trace viewers show the links as
// "follows from" references to each producer's trace.
//
//   example_batch_consume 127.0.0.1:9092
//
// It sends 20 records first, then consumes them in batches of at most 8, waiting at most
// 500 ms to fill a batch (a partial batch is handed over when the wait ends).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "example_common.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"

namespace {

constexpr const char* kTopic = "example.batches";
constexpr int kRecords = 20;

bool send_input(const std::string& bootstrap, examples::Expected& expected) {
  auto created = kafkatrace::kafka::TracedProducer::create({.bootstrap_servers = bootstrap});
  if (!created) {
    std::fprintf(stderr, "cannot create the producer: %s\n", created.error.c_str());
    return false;
  }
  std::vector<kafkatrace::kafka::ProducerRecord> records;
  for (int i = 0; i < kRecords; ++i) {
    records.push_back({.topic = kTopic, .value = "reading " + std::to_string(i)});
  }
  bool all = true;
  for (const auto& result : created.producer->send_batch(records)) {
    expected.add(result);
    all = all && result.ok();
  }
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_batch_consume");
  auto tracing = kafkatrace::otel::init_tracing_from_environment(
      examples::tracing_defaults("example-batch-consume"));

  examples::Expected expected;
  if (!send_input(args.bootstrap, expected)) return 1;

  auto created = kafkatrace::kafka::TracedConsumer::create({.bootstrap_servers = args.bootstrap,
                                                            .group_id = "example-batch-consumer",
                                                            .topics = {kTopic},
                                                            .auto_offset_reset = "earliest"});
  if (!created) {
    std::fprintf(stderr, "cannot create the consumer: %s\n", created.error.c_str());
    return 1;
  }
  kafkatrace::kafka::TracedConsumer& consumer = *created.consumer;
  const examples::Watchdog watchdog(std::chrono::seconds(30), [&consumer] { consumer.stop(); });

  int batches = 0;
  const kafkatrace::kafka::RunSummary summary = consumer.run_batch(
      [&](const kafkatrace::kafka::MessageBatch& batch) {
        ++batches;
        std::printf("batch %d: %zu messages, offsets", batches, batch.size());
        for (const kafkatrace::kafka::ConsumedMessage& message : batch) {
          std::printf(" %d:%lld", message.partition(), static_cast<long long>(message.offset()));
          expected.see(message);
        }
        std::printf("; process span %s\n", batch.span()->context().span_id.to_hex().c_str());
        if (expected.done()) consumer.stop();
      },
      /*max_messages=*/8, /*max_wait=*/std::chrono::milliseconds(500));

  if (!expected.done()) {
    std::fprintf(stderr, "%zu records not received within 30 s\n", expected.remaining());
    return 1;
  }
  std::printf("consumed %llu messages in %d batches\n",
              static_cast<unsigned long long>(summary.processed), batches);
  return 0;
}
