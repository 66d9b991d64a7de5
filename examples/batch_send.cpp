// Batch send: TracedProducer::send_batch enqueues many records at once and waits for all their
// delivery reports. Each record still gets its own PRODUCER span "send {topic}"; the batch gets
// one more "send {topic}" span with messaging.batch.message_count and a link to every record's
// span, so a trace viewer shows the batch as one operation.
//
//   example_batch_send 127.0.0.1:9092
//
// Shown here: building the records, one call for the lot, results in the order of the records,
// and counting per partition where they went (the key decides the partition).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "example_common.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"
#include "kafkatrace/otel/tracer.h"

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_batch_send");
  auto tracing = kafkatrace::otel::init_tracing_from_environment(
      examples::tracing_defaults("example-batch-send"));

  auto created = kafkatrace::kafka::TracedProducer::create({.bootstrap_servers = args.bootstrap});
  if (!created) {
    std::fprintf(stderr, "cannot create the producer: %s\n", created.error.c_str());
    return 1;
  }

  constexpr int kRecords = 10;
  std::vector<kafkatrace::kafka::ProducerRecord> records;
  for (int i = 0; i < kRecords; ++i) {
    records.push_back({.topic = "example.batch",
                       .key = "customer-" + std::to_string(i % 3),
                       .value = R"({"order":)" + std::to_string(i) + "}"});
  }

  // The batch span is a child of whatever is current; here, an "import orders" span.
  const auto import = kafkatrace::otel::global_tracer_provider()
                          ->get_tracer("example.batch_send")
                          .start_span("import orders");
  std::vector<kafkatrace::kafka::DeliveryResult> results;
  {
    const kafkatrace::otel::Scope scope(kafkatrace::otel::Context::current().with_span(import));
    results = created.producer->send_batch(records);
  }
  import->end();

  std::map<int, int> per_partition;
  int failures = 0;
  for (const auto& result : results) {
    if (result) {
      ++per_partition[result.partition];
    } else {
      ++failures;
      std::fprintf(stderr, "not delivered: %s\n", result.error->name.c_str());
    }
  }
  std::printf("sent %d of %d records to example.batch\n", kRecords - failures, kRecords);
  for (const auto& [partition, count] : per_partition) {
    std::printf("  partition %d: %d records\n", partition, count);
  }
  return failures == 0 ? 0 : 1;
}
