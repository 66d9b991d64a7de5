// Basic producer: every record sent through kafkatrace::kafka::TracedProducer gets a PRODUCER
// span "send {topic}" that ends when the broker acknowledges the record, and the record carries
// the trace context in its headers (traceparent) so that consumers continue the trace.
//
//   example_basic_producer 127.0.0.1:9092                      # spans printed to stdout
//   OTEL_TRACES_EXPORTER=otlp example_basic_producer -b host:9092   # to a Collector on :4318
//
// Shown here: telemetry from the OTEL_* variables, one application span ("checkout") made
// current with a Scope so that the records sent inside it become its children (one trace),
// waiting for each record's delivery report through its future, and where the record landed.
#include <cstdio>
#include <string>

#include "example_common.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"
#include "kafkatrace/otel/tracer.h"

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_basic_producer");

  // Exporters, sampler, propagators and resource from the environment. Keep the handle alive:
  // its destructor flushes the last spans.
  auto tracing = kafkatrace::otel::init_tracing_from_environment(
      examples::tracing_defaults("example-basic-producer"));

  // Idempotent, acks=all and lz4 by default; any librdkafka property goes in `properties`.
  auto created = kafkatrace::kafka::TracedProducer::create(
      {.bootstrap_servers = args.bootstrap, .properties = {{"client.id", "basic-producer"}}});
  if (!created) {
    std::fprintf(stderr, "cannot create the producer: %s\n", created.error.c_str());
    return 1;
  }
  kafkatrace::kafka::TracedProducer& producer = *created.producer;

  // The application's own span. Spans started while it is current are its children.
  kafkatrace::otel::Tracer tracer =
      kafkatrace::otel::global_tracer_provider()->get_tracer("example.basic_producer");
  const auto checkout =
      tracer.start_span("checkout", {.attributes = {{"app.customer.id", "customer-7"}}});

  int failures = 0;
  {
    const kafkatrace::otel::Scope scope(kafkatrace::otel::Context::current().with_span(checkout));
    for (int i = 1; i <= 3; ++i) {
      const kafkatrace::kafka::ProducerRecord record{
          .topic = "example.orders",
          .key = "customer-7",
          .value = "order " + std::to_string(i),
          .headers = {{.name = "app.source", .value = "basic_producer"}}};
      // send() returns at once; get() waits for the broker's acknowledgement, which also ends
      // the record's span (with the partition and offset, or the error).
      const kafkatrace::kafka::DeliveryResult result = producer.send(record).get();
      if (result) {
        std::printf("sent '%s' to %s[%d] at offset %lld\n", record.value->c_str(),
                    result.topic.c_str(), result.partition, static_cast<long long>(result.offset));
      } else {
        ++failures;
        std::fprintf(stderr, "not delivered: %s: %s\n", result.error->name.c_str(),
                     result.error->message.c_str());
      }
    }
  }
  if (failures > 0) checkout->set_status(kafkatrace::otel::StatusCode::kError, "not delivered");
  checkout->end();
  std::printf("trace %s\n", checkout->context().trace_id.to_hex().c_str());
  return failures == 0 ? 0 : 1;
}
