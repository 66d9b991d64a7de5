// End-to-end propagation: one trace from the code that sends an order to the code that processes
// it, across Kafka. The producer writes the W3C `traceparent` (and `baggage`) headers; the
// consumer reads them, so its "process {topic}" span is a child of the producer's "send {topic}"
// span (and linked to it), and the baggage set by the sender is visible to the handler.
//
//   example_end_to_end 127.0.0.1:9092
//
// The trace of each order:
//   place order (shop)  ->  send example.e2e (PRODUCER)  ->  process example.e2e (CONSUMER)
//                                                            ->  charge card (billing's own span)
// Here both "services" live in one process; across processes (or with the Java, Go, JS, Python
// instrumentations on the other side) it works the same, through the headers.
// For a new trace per message with only a link to the producer (what the messaging conventions
// suggest for long-lived queues), set ConsumerOptions::span_parent = ProcessSpanParent::kLinkOnly.
#include <chrono>
#include <cstdio>
#include <string>

#include "example_common.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"
#include "kafkatrace/otel/tracer.h"

namespace {

constexpr const char* kTopic = "example.e2e";

kafkatrace::otel::Tracer tracer() {
  return kafkatrace::otel::global_tracer_provider()->get_tracer("example.end_to_end");
}

// The shop: each order is sent inside a "place order" span, with the tenant in the baggage.
bool place_orders(const std::string& bootstrap, examples::Expected& expected) {
  auto created = kafkatrace::kafka::TracedProducer::create({.bootstrap_servers = bootstrap});
  if (!created) {
    std::fprintf(stderr, "cannot create the producer: %s\n", created.error.c_str());
    return false;
  }
  for (int order = 1; order <= 3; ++order) {
    const auto span = tracer().start_span("place order", {.attributes = {{"app.order.id", order}}});
    const kafkatrace::otel::Scope scope(
        kafkatrace::otel::Context::current().with_span(span).with_baggage(
            kafkatrace::otel::Baggage{}.set("tenant", "acme")));
    const auto result =
        created.producer->send({.topic = kTopic, .value = "order " + std::to_string(order)}).get();
    span->end();
    if (!result) {
      std::fprintf(stderr, "order %d not delivered: %s\n", order, result.error->name.c_str());
      return false;
    }
    expected.add(result);
    std::printf("shop:    order %d sent, trace %s\n", order,
                span->context().trace_id.to_hex().c_str());
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_end_to_end");
  auto tracing = kafkatrace::otel::init_tracing_from_environment(
      examples::tracing_defaults("example-end-to-end"));

  examples::Expected expected;
  if (!place_orders(args.bootstrap, expected)) return 1;

  // Billing: run() polls, starts the process span, makes it current and calls the handler.
  auto created = kafkatrace::kafka::TracedConsumer::create({.bootstrap_servers = args.bootstrap,
                                                            .group_id = "example-billing",
                                                            .topics = {kTopic},
                                                            .auto_offset_reset = "earliest"});
  if (!created) {
    std::fprintf(stderr, "cannot create the consumer: %s\n", created.error.c_str());
    return 1;
  }
  kafkatrace::kafka::TracedConsumer& consumer = *created.consumer;
  const examples::Watchdog watchdog(std::chrono::seconds(30), [&consumer] { consumer.stop(); });

  consumer.run([&](const kafkatrace::kafka::ConsumedMessage& message) {
    if (!expected.see(message)) return;  // a record of an earlier run
    // Started while the process span is current, so it is its child: same trace as the shop.
    const auto charge = tracer().start_span("charge card");
    const std::string tenant(message.context().baggage().get("tenant").value_or("?"));
    charge->set_attribute("app.tenant", tenant);
    std::printf("billing: %.*s for tenant %s, trace %s\n",
                static_cast<int>(message.value().value_or("").size()),
                message.value().value_or("").data(), tenant.c_str(),
                charge->context().trace_id.to_hex().c_str());
    charge->end();
    if (expected.done()) consumer.stop();
  });

  if (!expected.done()) {
    std::fprintf(stderr, "%zu orders not received within 30 s\n", expected.remaining());
    return 1;
  }
  std::printf("each order's trace continued from the shop to billing\n");
  return 0;
}
