// The complete example: an order pipeline with everything kafkatrace does, as a service would
// set it up.
//  - Telemetry from the OTEL_* variables: traces and metrics (console when none is named).
//  - A shop sends a batch of orders inside its own "checkout" span, with the tenant in the
//    baggage; the producer retries retriable delivery failures.
//  - Billing consumes them in a consumer group: each order continues the shop's trace in a
//    "process example.complete.orders" span, the handler adds a "charge card" span and an
//    application metric; a failing order is retried and then dead-lettered with its trace.
//  - librdkafka statistics feed the lag gauges; SIGINT/SIGTERM stop the consumer cleanly
//    (it finishes the message in hand, commits and leaves the group).
//
//   example_complete 127.0.0.1:9092
//   export OTEL_SERVICE_NAME=billing OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318
//   OTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp,prometheus example_complete -b kafka:9092
//
// It stops once every order of this run was charged or dead-lettered (or after 60 s).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "example_common.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/setup.h"
#include "kafkatrace/otel/tracer.h"

namespace {

using namespace std::chrono_literals;
using kafkatrace::kafka::ConsumedMessage;
using kafkatrace::kafka::HandlerResult;

constexpr const char* kTopic = "example.complete.orders";
constexpr int kOrders = 6;
constexpr int kHandlerAttempts = 3;

// stop() is async-signal-safe: the handler only stores to an atomic.
std::atomic<kafkatrace::kafka::TracedConsumer*> g_consumer{nullptr};
extern "C" void on_stop_signal(int) {
  if (auto* consumer = g_consumer.load()) consumer->stop();
}

kafkatrace::otel::Tracer tracer() {
  return kafkatrace::otel::global_tracer_provider()->get_tracer("example.complete", "1.0.0");
}

// The shop: one checkout span around a batch of orders; order 4 cannot be paid.
bool checkout(const std::string& bootstrap, examples::Expected& expected) {
  kafkatrace::kafka::ProducerOptions options{.bootstrap_servers = bootstrap};
  options.retry = {.max_attempts = 4, .initial_backoff = 100ms, .max_elapsed = 30s};
  auto created = kafkatrace::kafka::TracedProducer::create(std::move(options));
  if (!created) {
    std::fprintf(stderr, "cannot create the producer: %s\n", created.error.c_str());
    return false;
  }
  std::vector<kafkatrace::kafka::ProducerRecord> orders;
  for (int i = 1; i <= kOrders; ++i) {
    orders.push_back({.topic = kTopic,
                      .key = "order-" + std::to_string(i),
                      .value = i == 4 ? "card=expired" : "card=valid"});
  }
  const auto span = tracer().start_span("checkout", {.attributes = {{"app.orders", kOrders}}});
  const kafkatrace::otel::Scope scope(
      kafkatrace::otel::Context::current().with_span(span).with_baggage(
          kafkatrace::otel::Baggage{}.set("tenant", "acme")));
  bool all = true;
  for (const auto& result : created.producer->send_batch(orders)) {
    expected.add(result);
    all = all && result.ok();
  }
  span->end();
  std::printf("shop: %d orders sent, trace %s\n", kOrders,
              span->context().trace_id.to_hex().c_str());
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_complete");
  auto tracing = kafkatrace::otel::init_tracing_from_environment(
      examples::tracing_defaults("example-complete"));
  auto metrics = kafkatrace::otel::init_metrics_from_environment(
      examples::metrics_defaults("example-complete"));
  const auto charged = kafkatrace::otel::global_meter_provider()
                           ->get_meter("example.complete", "1.0.0")
                           .create_counter<std::int64_t>("app.orders.charged", {.unit = "{order}"});

  examples::Expected expected;
  if (!checkout(args.bootstrap, expected)) return 1;

  kafkatrace::kafka::ConsumerOptions options{.bootstrap_servers = args.bootstrap,
                                             .group_id = "example-complete-billing",
                                             .topics = {kTopic},
                                             .auto_offset_reset = "earliest",
                                             .statistics_interval = 1s};
  options.handler_retry = {.max_attempts = kHandlerAttempts, .initial_backoff = 100ms};
  options.dead_letter.topic = "{topic}.dlt";
  options.on_rebalance = [](const kafkatrace::kafka::RebalanceEvent& event) {
    std::printf(
        "billing: %zu partition(s) %s\n", event.partitions.size(),
        event.kind == kafkatrace::kafka::RebalanceEvent::Kind::kAssigned ? "assigned" : "revoked");
  };
  auto created = kafkatrace::kafka::TracedConsumer::create(std::move(options));
  if (!created) {
    std::fprintf(stderr, "cannot create the consumer: %s\n", created.error.c_str());
    return 1;
  }
  kafkatrace::kafka::TracedConsumer& consumer = *created.consumer;
  g_consumer = &consumer;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const examples::Watchdog watchdog(60s, [&consumer] { consumer.stop(); });

  // Handler attempts per record, to know when this run's failing order has had its last one.
  std::map<std::pair<std::int32_t, std::int64_t>, int> attempts;
  const auto summary = consumer.run([&](const ConsumedMessage& message) -> HandlerResult {
    const auto charge = tracer().start_span("charge card");  // child of the process span
    const std::string tenant(message.context().baggage().get("tenant").value_or("unknown"));
    charge->set_attribute("app.tenant", tenant);
    HandlerResult result;
    if (message.value() == "card=expired") {
      result = HandlerResult::failure("CardExpired", "the card expired");
      charge->set_status(kafkatrace::otel::StatusCode::kError, result.message);
    } else {
      charged.add(1, {{"app.tenant", tenant}});
    }
    charge->end();
    std::printf("billing: %.*s %s\n", static_cast<int>(message.key().value_or("").size()),
                message.key().value_or("").data(), result.failed ? "declined" : "charged");
    // An order is finished when charged or failed for the last time (then it is dead-lettered).
    const int attempt = ++attempts[{message.partition(), message.offset()}];
    if (!result.failed || attempt == kHandlerAttempts) expected.see(message);
    if (expected.done()) consumer.stop();
    return result;
  });
  g_consumer = nullptr;

  std::printf("billing: charged %llu, failed attempts %llu, dead-lettered %llu\n",
              static_cast<unsigned long long>(summary.processed),
              static_cast<unsigned long long>(summary.failed_attempts),
              static_cast<unsigned long long>(summary.dead_lettered));
  if (summary.fatal_error) {
    std::fprintf(stderr, "fatal: %s\n", summary.fatal_error->message.c_str());
    return 1;
  }
  return expected.done() && summary.dead_lettered >= 1 ? 0 : 1;
}
