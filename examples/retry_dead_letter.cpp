// Retry and dead letter: what happens when processing fails.
//  - The consumer retries a failed message (handler_retry: attempts, exponential backoff). Each
//    attempt is its own "process {topic}" span with error status, error.type and an exception
//    event, and kafkatrace.consumer.attempt from the second attempt on. While it waits, the
//    assigned partitions are paused and polling goes on, so the consumer stays in its group.
//  - When the attempts are used up, the message goes to the dead-letter topic ("{topic}.dlt")
//    with its key, value and headers plus kafkatrace.dlt.* headers saying what failed; that
//    "send example.payments.dlt" span is a child of the last failed attempt, so the trace goes on
//    into whatever reads the dead-letter topic (here, the same consumer).
//  - On the producing side, RetryPolicy sends a record again after a retriable delivery failure
//    (timeouts, leader changes) with jittered backoff; each attempt is its own span.
//
//   example_retry_dead_letter 127.0.0.1:9092
//
// Payments: "ok-*" succeed, "flaky-*" fail once (an exception) and then succeed, "poison-*"
// always fail (a HandlerResult failure) and end in the dead-letter topic.
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "example_common.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/setup.h"

namespace {

using namespace std::chrono_literals;
using kafkatrace::kafka::ConsumedMessage;
using kafkatrace::kafka::HandlerResult;

constexpr const char* kTopic = "example.payments";
constexpr const char* kDeadLetterTopic = "example.payments.dlt";

std::string text(std::optional<std::string_view> bytes) {
  return std::string(bytes.value_or(""));
}

}  // namespace

int main(int argc, char** argv) {
  const examples::Args args = examples::parse_args(argc, argv, "example_retry_dead_letter");
  auto tracing = kafkatrace::otel::init_tracing_from_environment(
      examples::tracing_defaults("example-retry-dead-letter"));

  // Producer-side retries on top of librdkafka's own, for failures that are safe to resend.
  kafkatrace::kafka::ProducerOptions producer_options{.bootstrap_servers = args.bootstrap};
  producer_options.retry = {.max_attempts = 5,
                            .initial_backoff = 100ms,
                            .max_backoff = 2s,
                            .multiplier = 2.0,
                            .max_elapsed = 30s};
  auto producer = kafkatrace::kafka::TracedProducer::create(std::move(producer_options));
  if (!producer) {
    std::fprintf(stderr, "cannot create the producer: %s\n", producer.error.c_str());
    return 1;
  }
  examples::Expected expected;
  kafkatrace::kafka::DeliveryResult poison;
  for (const char* key : {"ok-1", "flaky-2", "poison-3", "ok-4"}) {
    auto result =
        producer.producer->send({.topic = kTopic, .key = key, .value = "10.00 EUR"}).get();
    if (!result) {
      std::fprintf(stderr, "%s not delivered: %s\n", key, result.error->name.c_str());
      return 1;
    }
    expected.add(result);
    if (std::string_view(key).starts_with("poison")) poison = result;
  }

  kafkatrace::kafka::ConsumerOptions options{.bootstrap_servers = args.bootstrap,
                                             .group_id = "example-payments",
                                             .topics = {kTopic, kDeadLetterTopic},
                                             .auto_offset_reset = "earliest"};
  options.handler_retry = {.max_attempts = 3,
                           .initial_backoff = 200ms,
                           .max_backoff = 2s,
                           .multiplier = 2.0,
                           .max_elapsed = 60s};
  options.dead_letter.topic = "{topic}.dlt";
  auto created = kafkatrace::kafka::TracedConsumer::create(std::move(options));
  if (!created) {
    std::fprintf(stderr, "cannot create the consumer: %s\n", created.error.c_str());
    return 1;
  }
  kafkatrace::kafka::TracedConsumer& consumer = *created.consumer;
  const examples::Watchdog watchdog(std::chrono::seconds(45), [&consumer] { consumer.stop(); });

  std::map<std::string, int> attempts;
  bool dead_letter_seen = false;
  const auto summary = consumer.run([&](const ConsumedMessage& message) -> HandlerResult {
    const std::string key = text(message.key());
    if (message.topic() == kDeadLetterTopic) {
      std::printf("dead letter: %s failed %s times (%s: %s)\n", key.c_str(),
                  text(message.header("kafkatrace.dlt.attempts")).c_str(),
                  text(message.header("kafkatrace.dlt.error.type")).c_str(),
                  text(message.header("kafkatrace.dlt.error.message")).c_str());
      dead_letter_seen =
          dead_letter_seen ||
          (text(message.header("kafkatrace.dlt.original.partition")) ==
               std::to_string(poison.partition) &&
           text(message.header("kafkatrace.dlt.original.offset")) == std::to_string(poison.offset));
    } else {
      expected.see(message);
      const int attempt = ++attempts[key + "@" + std::to_string(message.offset())];
      std::printf("payment %s, attempt %d\n", key.c_str(), attempt);
      if (key.starts_with("flaky") && attempt == 1) {
        throw std::runtime_error("payment service timed out");  // retried after 200 ms
      }
      if (key.starts_with("poison")) {
        return HandlerResult::failure("PaymentDeclined", "card declined");
      }
    }
    if (expected.done() && dead_letter_seen) consumer.stop();
    return {};
  });

  std::printf("processed %llu, failed attempts %llu, dead-lettered %llu\n",
              static_cast<unsigned long long>(summary.processed),
              static_cast<unsigned long long>(summary.failed_attempts),
              static_cast<unsigned long long>(summary.dead_lettered));
  if (!expected.done() || !dead_letter_seen) {
    std::fprintf(stderr, "did not see every payment and the dead letter within 45 s\n");
    return 1;
  }
  return 0;
}
