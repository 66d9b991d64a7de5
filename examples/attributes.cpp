// Attributes: what kafkatrace puts on its spans (the OpenTelemetry messaging semantic
// conventions, see docs/semantic-conventions.md), and how the application adds its own. It sends
// one record, consumes it, and prints every span with its kind and attributes.
//
//   example_attributes 127.0.0.1:9092
//   OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup example_attributes 127.0.0.1:9092
//       # also the older attribute names (messaging.destination, messaging.kafka.partition, ...)
//       # for dashboards built on the pre-1.24 conventions
//
// The spans are read back through an in-memory exporter added next to whatever the environment
// configures (nothing, unless OTEL_TRACES_EXPORTER names an exporter).
#include <chrono>
#include <cstdio>
#include <string>
#include <type_traits>
#include <variant>

#include "example_common.h"
#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"

namespace {

constexpr const char* kTopic = "example.attributes";

const char* kind_name(kafkatrace::otel::SpanKind kind) {
  switch (kind) {
    case kafkatrace::otel::SpanKind::kProducer: return "PRODUCER";
    case kafkatrace::otel::SpanKind::kConsumer: return "CONSUMER";
    case kafkatrace::otel::SpanKind::kClient: return "CLIENT";
    case kafkatrace::otel::SpanKind::kServer: return "SERVER";
    case kafkatrace::otel::SpanKind::kInternal: return "INTERNAL";
  }
  return "?";
}

// "value (type)"; arrays are not used by the instrumentation and print as their size.
std::string describe(const kafkatrace::otel::AttributeValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return "\"" + v + "\" (string)";
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true (bool)" : "false (bool)";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v) + " (int)";
        } else if constexpr (std::is_same_v<T, double>) {
          return std::to_string(v) + " (double)";
        } else {
          return "[" + std::to_string(v.size()) + " values] (array)";
        }
      },
      value);
}

}  // namespace

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_attributes");

  auto exporter = std::make_unique<kafkatrace::exporters::InMemorySpanExporter>();
  const auto store = exporter->store();
  auto setup = examples::tracing_defaults("example-attributes");
  if (!examples::env_set("OTEL_TRACES_EXPORTER")) setup.traces_exporter = "none";
  setup.extra_processors.push_back(kafkatrace::otel::make_simple_processor(std::move(exporter)));
  auto tracing = kafkatrace::otel::init_tracing_from_environment(std::move(setup));

  examples::Expected expected;
  {
    auto producer = kafkatrace::kafka::TracedProducer::create(
        {.bootstrap_servers = args.bootstrap, .properties = {{"client.id", "attributes-example"}}});
    if (!producer) {
      std::fprintf(stderr, "cannot create the producer: %s\n", producer.error.c_str());
      return 1;
    }
    expected.add(
        producer.producer->send({.topic = kTopic, .key = "order-42", .value = R"({"amount":10.5})"})
            .get());
    if (expected.done()) {
      std::fprintf(stderr, "the record was not delivered\n");
      return 1;
    }
  }

  auto created = kafkatrace::kafka::TracedConsumer::create({.bootstrap_servers = args.bootstrap,
                                                            .group_id = "example-attributes",
                                                            .topics = {kTopic},
                                                            .auto_offset_reset = "earliest",
                                                            .record_body_size = true});
  if (!created) {
    std::fprintf(stderr, "cannot create the consumer: %s\n", created.error.c_str());
    return 1;
  }
  kafkatrace::kafka::TracedConsumer& consumer = *created.consumer;
  {
    const examples::Watchdog watchdog(std::chrono::seconds(30), [&consumer] { consumer.stop(); });
    consumer.run([&](const kafkatrace::kafka::ConsumedMessage& message) {
      if (!expected.see(message)) return;
      // The application's attributes go on the instrumentation's span; use your own namespace
      // (not messaging.*), and keep values low in cardinality if they are to be aggregated.
      message.span()->set_attribute("app.order.id", "42");
      message.span()->set_attribute("app.order.amount", 10.5);
      consumer.stop();
    });
  }
  if (!expected.done()) {
    std::fprintf(stderr, "the record was not consumed within 30 s\n");
    return 1;
  }

  tracing.provider()->force_flush();
  for (const kafkatrace::otel::SpanData& span : store->spans()) {
    std::printf("%s  [%s]\n", span.name.c_str(), kind_name(span.kind));
    for (const kafkatrace::otel::KeyValue& attribute : span.attributes) {
      std::printf("    %-36s %s\n", attribute.key.c_str(), describe(attribute.value).c_str());
    }
    for (const kafkatrace::otel::SpanLink& link : span.links) {
      std::printf("    link -> span %s\n", link.context.span_id.to_hex().c_str());
    }
  }
  if (!examples::env_set("OTEL_SEMCONV_STABILITY_OPT_IN")) {
    std::printf("(OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup adds the older attribute names)\n");
  }
  return 0;
}
