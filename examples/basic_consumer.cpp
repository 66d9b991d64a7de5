// Basic consumer: TracedConsumer is a consumer-group member that gives every message a CONSUMER
// span "process {topic}", continuing the producer's trace from the message headers. This example
// drives it by hand: poll() returns one message with its span started, the application handles
// it, and mark_processed() ends the span and stores the offset (committed every few seconds and
// on close: at least once).
//
//   example_basic_consumer 127.0.0.1:9092
//
// So that there is something to read, it first sends five records with a TracedProducer, then
// consumes until it has seen those five (it starts from the earliest offset, so records of
// earlier runs are printed too) or 30 s pass.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "example_common.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"

namespace {

constexpr const char* kTopic = "example.basic";

// Sends the input; returns false if any record was not delivered.
bool send_input(const std::string& bootstrap, examples::Expected& expected) {
  auto created = kafkatrace::kafka::TracedProducer::create({.bootstrap_servers = bootstrap});
  if (!created) {
    std::fprintf(stderr, "cannot create the producer: %s\n", created.error.c_str());
    return false;
  }
  std::vector<kafkatrace::kafka::ProducerRecord> records;
  for (int i = 1; i <= 5; ++i) {
    records.push_back({.topic = kTopic, .key = "k" + std::to_string(i), .value = "hello"});
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
  const examples::Args args = examples::parse_args(argc, argv, "example_basic_consumer");
  auto tracing = kafkatrace::otel::init_tracing_from_environment(
      examples::tracing_defaults("example-basic-consumer"));

  examples::Expected expected;
  if (!send_input(args.bootstrap, expected)) return 1;

  auto created = kafkatrace::kafka::TracedConsumer::create({.bootstrap_servers = args.bootstrap,
                                                            .group_id = "example-basic-consumer",
                                                            .topics = {kTopic},
                                                            .auto_offset_reset = "earliest"});
  if (!created) {
    std::fprintf(stderr, "cannot create the consumer: %s\n", created.error.c_str());
    return 1;
  }
  kafkatrace::kafka::TracedConsumer& consumer = *created.consumer;

  // poll() belongs to this thread. The first poll of a new group member also joins the group,
  // which takes a few seconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!expected.done() && std::chrono::steady_clock::now() < deadline) {
    kafkatrace::kafka::PollResult polled = consumer.poll(std::chrono::milliseconds(500));
    if (polled.error && polled.error->fatal) {
      std::fprintf(stderr, "fatal consumer error: %s\n", polled.error->message.c_str());
      return 1;
    }
    if (!polled) continue;
    kafkatrace::kafka::ConsumedMessage& message = *polled.message;
    {
      // The process span is current while handling: spans started here are its children.
      const kafkatrace::otel::Scope scope(message.context());
      std::printf(
          "%.*s[%d]@%lld key=%.*s value=%.*s trace=%s\n", static_cast<int>(message.topic().size()),
          message.topic().data(), message.partition(), static_cast<long long>(message.offset()),
          static_cast<int>(message.key().value_or("").size()), message.key().value_or("").data(),
          static_cast<int>(message.value().value_or("").size()),
          message.value().value_or("").data(),
          message.producer_context().span_context().trace_id.to_hex().c_str());
    }
    expected.see(message);
    consumer.mark_processed(message);  // ends the span, stores the offset
  }
  consumer.close();  // commits, leaves the group
  if (!expected.done()) {
    std::fprintf(stderr, "%zu records not received within 30 s\n", expected.remaining());
    return 1;
  }
  std::printf("consumed all 5 records\n");
  return 0;
}
