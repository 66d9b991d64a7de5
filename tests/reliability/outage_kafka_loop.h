// KafkaLoop: the workload of the exporter-outage program — one TracedProducer and one
// TracedConsumer (a group of one, on its own thread) on an embedded broker, both traced through
// a SwitchableTracing so that each measurement can use a fresh tracer provider without a new
// group join or a cold producer.
//
//   KafkaLoop loop(broker.bootstrap_servers(), "outage", tracing, 100000);
//   if (!loop.warm_up(60s)) fail();
//   std::optional<double> seconds = loop.round(50000, 120s);  // produce + consume 50,000
//
// Threads: construct, warm_up and round from one controlling thread; the consumer's handler
// runs on the loop's consumer thread, delivery reports on the producer's poll thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::reliability {

class KafkaLoop {
 public:
  // Exits the process with status 2 when the producer or consumer cannot be created.
  // `prefetch_messages`: the consumer's queued.min.messages. Give it at least a round's count:
  // a consumer that stops fetching at that threshold mid-round resumes on librdkafka's timing,
  // not ours, and the round then measures that pause (up to ~0.4 s in 200,000 records on the
  // embedded broker) rather than the tracing.
  KafkaLoop(const std::string& bootstrap, std::string topic,
            std::shared_ptr<otel::TracingBackend> tracing, std::uint64_t prefetch_messages);
  ~KafkaLoop();
  KafkaLoop(const KafkaLoop&) = delete;
  KafkaLoop& operator=(const KafkaLoop&) = delete;

  // Sends one record and waits until the consumer processed it (the group join included).
  bool warm_up(std::chrono::seconds timeout);
  // Sends `count` records of `value_size` bytes (never more than kMaxOutstanding unacknowledged)
  // and waits until every one is acknowledged and processed: the seconds that took, or nullopt
  // on timeout or a failed delivery.
  std::optional<double> round(std::uint64_t count, std::chrono::seconds timeout,
                              std::size_t value_size = 100);

  static constexpr std::size_t kMaxOutstanding = 50000;

 private:
  bool wait_processed(std::uint64_t target, std::chrono::steady_clock::time_point deadline);

  const std::string topic_;
  std::unique_ptr<kafka::TracedProducer> producer_;
  std::unique_ptr<kafka::TracedConsumer> consumer_;
  std::atomic<std::uint64_t> processed_{0};
  std::atomic<std::uint64_t> failed_deliveries_{0};
  std::uint64_t sent_ = 0;
  std::thread consumer_thread_;
};

}  // namespace kafkatrace::reliability
