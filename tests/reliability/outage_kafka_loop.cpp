#include "outage_kafka_loop.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace kafkatrace::reliability {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

}  // namespace

KafkaLoop::KafkaLoop(const std::string& bootstrap, std::string topic,
                     std::shared_ptr<otel::TracingBackend> tracing, std::uint64_t prefetch_messages)
    : topic_(std::move(topic)) {
  auto producer =
      kafka::TracedProducer::create({.bootstrap_servers = bootstrap,
                                     .tracing = tracing,
                                     .semconv_mode = kafka::semconv::SemconvMode::kCurrent});
  auto consumer = kafka::TracedConsumer::create(
      {.bootstrap_servers = bootstrap,
       .group_id = topic_ + "-group",
       .topics = {topic_},
       .auto_offset_reset = "earliest",
       .properties = {{"queued.min.messages", std::to_string(prefetch_messages)}},
       .statistics_interval = 0ms,
       .tracing = std::move(tracing),
       .semconv_mode = kafka::semconv::SemconvMode::kCurrent});
  if (!producer || !consumer) {
    std::fprintf(stderr, "kafka clients: %s%s\n", producer.error.c_str(), consumer.error.c_str());
    std::exit(2);
  }
  producer_ = std::move(producer.producer);
  consumer_ = std::move(consumer.consumer);
  consumer_thread_ = std::thread([this] {
    consumer_->run([this](const kafka::ConsumedMessage&) {
      processed_.fetch_add(1, std::memory_order_relaxed);
    });
  });
}

KafkaLoop::~KafkaLoop() {
  consumer_->stop();
  consumer_thread_.join();
  consumer_.reset();
  producer_.reset();
}

bool KafkaLoop::wait_processed(std::uint64_t target, Clock::time_point deadline) {
  while (processed_.load(std::memory_order_relaxed) < target || producer_->outstanding() > 0) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

bool KafkaLoop::warm_up(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // The group join may finish after the record was fetched from the start: either way the
  // consumer reads it (auto.offset.reset=earliest).
  producer_->send({.topic = topic_, .value = "warm-up"}, [](const kafka::DeliveryResult&) {});
  ++sent_;
  return wait_processed(sent_, deadline);
}

std::optional<double> KafkaLoop::round(std::uint64_t count, std::chrono::seconds timeout,
                                       std::size_t value_size) {
  const std::string value(value_size, 'v');
  const auto started = Clock::now();
  const auto deadline = started + timeout;
  const std::uint64_t failures_before = failed_deliveries_.load();
  for (std::uint64_t i = 0; i < count; ++i) {
    while (producer_->outstanding() >= kMaxOutstanding) {
      if (Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(100us);
    }
    producer_->send({.topic = topic_, .key = std::to_string(i), .value = value},
                    [this](const kafka::DeliveryResult& result) {
                      if (!result.ok()) failed_deliveries_.fetch_add(1);
                    });
  }
  sent_ += count;
  if (!wait_processed(sent_, deadline) || failed_deliveries_.load() != failures_before)
    return std::nullopt;
  return std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace kafkatrace::reliability
