// Metrics: the traced producer and consumer record the OpenTelemetry messaging metrics
//   messaging.client.sent.messages       counter    {message}   per topic (and error.type)
//   messaging.client.consumed.messages   counter    {message}   per topic and consumer group
//   messaging.client.operation.duration  histogram  s           send -> acknowledgement, polls
//   messaging.process.duration           histogram  s           the handler
// plus kafkatrace's own (end-to-end latency, retries, dead letters, rebalances, and consumer lag
// from librdkafka's statistics). The application adds its own instruments to the same provider.
//
//   example_metrics 127.0.0.1:9092                          # printed to stdout at exit
//   OTEL_METRICS_EXPORTER=prometheus example_metrics 127.0.0.1:9092 --serve
//       curl http://127.0.0.1:9464/metrics                   # until Ctrl-C
//   OTEL_METRICS_EXPORTER=otlp example_metrics ...           # to a Collector on :4318
//
// Tracing is not set up here: metrics work without it (spans are then no-ops).
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "example_common.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/setup.h"

namespace {

constexpr const char* kTopic = "example.metrics";
constexpr int kRecords = 10;

// Sends kRecords and consumes them; the instruments record as this runs.
bool produce_and_consume(const std::string& bootstrap,
                         const kafkatrace::otel::Counter<std::int64_t>& orders_processed) {
  examples::Expected expected;
  {
    auto producer = kafkatrace::kafka::TracedProducer::create({.bootstrap_servers = bootstrap});
    if (!producer) {
      std::fprintf(stderr, "cannot create the producer: %s\n", producer.error.c_str());
      return false;
    }
    std::vector<kafkatrace::kafka::ProducerRecord> records(
        kRecords, kafkatrace::kafka::ProducerRecord{.topic = kTopic, .value = "order"});
    for (const auto& result : producer.producer->send_batch(records)) expected.add(result);
  }
  if (expected.remaining() != kRecords) {
    std::fprintf(stderr, "not every record was delivered\n");
    return false;
  }

  // Statistics every second feed the lag gauges (kafkatrace.consumer.lag, ...).
  auto created =
      kafkatrace::kafka::TracedConsumer::create({.bootstrap_servers = bootstrap,
                                                 .group_id = "example-metrics",
                                                 .topics = {kTopic},
                                                 .auto_offset_reset = "earliest",
                                                 .statistics_interval = std::chrono::seconds(1)});
  if (!created) {
    std::fprintf(stderr, "cannot create the consumer: %s\n", created.error.c_str());
    return false;
  }
  kafkatrace::kafka::TracedConsumer& consumer = *created.consumer;
  const examples::Watchdog watchdog(std::chrono::seconds(30), [&consumer] { consumer.stop(); });
  consumer.run([&](const kafkatrace::kafka::ConsumedMessage& message) {
    if (!expected.see(message)) return;
    orders_processed.add(1, {{"messaging.destination.name", message.topic()}});
    if (expected.done()) consumer.stop();
  });
  return expected.done();
}

}  // namespace

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_metrics");
  // With --serve, SIGINT/SIGTERM are taken by sigwait below: block them before any thread
  // starts, so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (args.serve) pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // OTEL_METRICS_EXPORTER: otlp, prometheus, console, otlp_file (a list); console when unset.
  // Keep the handle: its destructor exports a last time and stops the Prometheus endpoint.
  auto metrics = kafkatrace::otel::init_metrics_from_environment(
      examples::metrics_defaults("example-metrics"));

  // The application's own instrument, on the same provider as the instrumentation's.
  const auto orders_processed =
      kafkatrace::otel::global_meter_provider()
          ->get_meter("example.metrics")
          .create_counter<std::int64_t>(
              "app.orders.processed",
              {.description = "Orders the application processed.", .unit = "{order}"});

  if (!produce_and_consume(args.bootstrap, orders_processed)) {
    std::fprintf(stderr, "records not consumed within 30 s\n");
    return 1;
  }
  std::printf("sent and consumed %d records\n", kRecords);

  if (const std::string url = metrics.prometheus_url(); !url.empty()) {
    std::printf("Prometheus endpoint: %s\n", url.c_str());
  }
  if (args.serve) {
    std::printf("serving until Ctrl-C\n");
    std::fflush(stdout);
    int signal_number = 0;
    while (sigwait(&stop_signals, &signal_number) != 0) {
    }
  }
  return 0;  // ~MetricsHandle: the push exporters export the final values
}
