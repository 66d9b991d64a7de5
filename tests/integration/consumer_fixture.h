// Shared by the consumer integration tests: in-memory tracing and metrics, consumer options for
// a test group, a consumer running on its own thread, and waiting on conditions with deadlines.
//
//   Telemetry telemetry;
//   auto options = consumer_options(bootstrap_servers(), topic, telemetry);
//   ConsumerThread running(std::move(options), [](const kafka::ConsumedMessage&) {});
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/tracer.h"
#include "kafkatrace/otel/tracing_backend.h"
#include "test_cluster.h"

namespace kafkatrace::testing {

// Polls `condition` every 20 ms until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Spans go synchronously (simple processor) to an in-memory store; metrics are pulled.
struct Telemetry {
  std::shared_ptr<exporters::InMemorySpanStore> spans =
      std::make_shared<exporters::InMemorySpanStore>();
  std::shared_ptr<otel::TracerProvider> tracer_provider;
  std::shared_ptr<otel::TracingBackend> tracing;
  std::shared_ptr<otel::MeterProvider> meter_provider;
  std::shared_ptr<otel::MetricProducer> metrics;
  otel::Meter meter;

  Telemetry() {
    otel::TracerProviderOptions options;
    options.sampler = otel::make_always_on_sampler();
    options.processors.push_back(
        otel::make_simple_processor(std::make_unique<exporters::InMemorySpanExporter>(spans)));
    options.disabled = false;
    tracer_provider = otel::make_tracer_provider(std::move(options));
    tracing = otel::make_sdk_tracing_backend(tracer_provider->get_tracer("kafkatrace"));
    meter_provider = otel::make_meter_provider({.disabled = false});
    metrics = meter_provider->producer();
    meter = meter_provider->get_meter("kafkatrace");
  }

  std::vector<otel::SpanData> spans_named(std::string_view name) const {
    std::vector<otel::SpanData> out;
    for (auto& span : spans->spans())
      if (span.name == name) out.push_back(std::move(span));
    return out;
  }

  // Every data point of metric `name` in one collection.
  std::vector<otel::MetricData> collect(std::string_view name) const {
    std::vector<otel::MetricData> out;
    metrics->collect([&](const otel::ResourceMetrics& batch) {
      for (const auto& scope : batch.scope_metrics)
        for (const auto& metric : scope.metrics)
          if (metric.name == name) out.push_back(metric);
    });
    return out;
  }
};

inline const otel::AttributeValue* find_attribute(const otel::Attributes& attributes,
                                                  std::string_view key) {
  for (const auto& kv : attributes)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

inline std::string string_attribute(const otel::Attributes& attributes, std::string_view key) {
  const auto* value = find_attribute(attributes, key);
  if (value == nullptr) return "<absent>";
  if (const auto* text = std::get_if<std::string>(value)) return *text;
  if (const auto* number = std::get_if<std::int64_t>(value)) return std::to_string(*number);
  return "<other>";
}

inline kafka::ConsumerOptions consumer_options(const std::string& bootstrap,
                                               const std::string& topic, const Telemetry& telemetry,
                                               std::string group = {}) {
  kafka::ConsumerOptions options;
  options.bootstrap_servers = bootstrap;
  options.group_id = group.empty() ? topic + "-group" : std::move(group);
  options.topics = {topic};
  options.auto_offset_reset = "earliest";
  options.tracing = telemetry.tracing;
  options.meter = telemetry.meter;
  options.commit_interval = std::chrono::milliseconds(200);
  options.statistics_interval = std::chrono::milliseconds(200);
  options.handler_retry.initial_backoff = std::chrono::milliseconds(20);
  return options;
}

// Runs consumer.run(handler) on its own thread; stops and joins on destruction.
class ConsumerThread {
 public:
  // `handler` returns kafka::HandlerResult or void.
  template <class Handler>
  ConsumerThread(kafka::ConsumerOptions options, Handler handler) {
    auto created = kafka::TracedConsumer::create(std::move(options));
    if (!created) {
      error_ = created.error;
      return;
    }
    consumer_ = std::move(created.consumer);
    thread_ = std::thread([this, handler = std::move(handler)]() mutable {
      summary_ = consumer_->run(handler);
      done_ = true;
    });
  }
  ~ConsumerThread() { stop(); }

  // Empty when the consumer was created.
  const std::string& error() const { return error_; }
  kafka::TracedConsumer& consumer() { return *consumer_; }
  // Stops, joins and returns the loop's summary.
  const kafka::RunSummary& stop() {
    if (consumer_) consumer_->stop();
    if (thread_.joinable()) thread_.join();
    return summary_;
  }
  bool done() const { return done_; }

 private:
  std::string error_;
  std::unique_ptr<kafka::TracedConsumer> consumer_;
  kafka::RunSummary summary_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace kafkatrace::testing
