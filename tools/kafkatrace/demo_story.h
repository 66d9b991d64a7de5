// The story `kafkatrace demo` tells, on an embedded broker, with the global tracer and meter
// providers (set up by the caller, CliTelemetry):
//   1. a checkout service places orders: a `place_order` span around each TracedProducer send
//      to topic "orders"; one order is sent during a simulated broker outage, so its first
//      attempt times out and the RetryPolicy sends it again (a second `send orders` span);
//   2. consumer group "order-processing" (TracedConsumer::run) handles each order in a
//      `process orders` span, a child of the send span, inside which the handler opens a
//      `process_order` INTERNAL span (the application's own work);
//   3. consumer group "order-analytics" (TracedConsumer::run_batch) reads the same orders in
//      batches: a `poll orders` span and a `process orders` span linked to every send span.
//
//   DemoStoryResult result = run_demo_story(*broker, {.orders = 5}, *span_store);
//   if (!result.error.empty()) report(result.error);
//
// Runs on the calling thread plus one thread per consumer group (joined before returning).
// Takes about 6-9 s, most of it the consumer-group join (about 3 s on the embedded broker) and
// the outage; gives up at `deadline`.
#pragma once

#include <chrono>
#include <string>

#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/kafka/broker.h"

namespace kafkatrace::cli {

inline constexpr const char* kDemoTopic = "orders";
inline constexpr const char* kDemoProcessingGroup = "order-processing";
inline constexpr const char* kDemoAnalyticsGroup = "order-analytics";

struct DemoStoryOptions {
  int orders = 5;
  // The order (1-based) sent while the broker is down; 0: no outage.
  int outage_order = 2;
  std::chrono::seconds deadline{45};
};

struct DemoStoryResult {
  int delivered = 0;       // orders the broker acknowledged
  int retried = 0;         // of those, orders that needed more than one attempt
  int processed = 0;       // distinct orders the processing group handled
  int batch_messages = 0;  // messages the analytics group handled in batches
  int batches = 0;
  std::string error{};  // empty on success
};

// `store` is where the in-memory exporter puts finished spans: the story watches it to end the
// outage once the first attempt has failed.
DemoStoryResult run_demo_story(kafka::EmbeddedBroker& broker, const DemoStoryOptions& options,
                               const exporters::InMemorySpanStore& store);

}  // namespace kafkatrace::cli
