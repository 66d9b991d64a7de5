#include "demo_story.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::cli {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kBroker = 1;  // the embedded cluster's only broker
constexpr std::string_view kSendSpan = "send orders";

// What both consumer groups have handled so far; written on their threads, read by the main one.
struct Progress {
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::string> processed;  // order keys, once each (at-least-once may repeat one)
  int batch_messages = 0;
  int batches = 0;
  int consumers_stopped = 0;  // run()/run_batch() returned (stop, or a fatal error)
};

// While the simulated outage lasts, librdkafka's connection errors from the producer are the
// expected effect: they are counted instead of printed. Everything else is printed as the
// default handler would.
class OutageLogFilter {
 public:
  OutageLogFilter() : dropped_(std::make_shared<std::atomic<int>>(0)) {
    set_log_handler(
        [dropped = dropped_](LogLevel level, std::string_view component, std::string_view message) {
          if (component == "producer") {
            dropped->fetch_add(1, std::memory_order_relaxed);
            return;
          }
          std::fprintf(stderr, "kafkatrace [%.*s] %.*s: %.*s\n",
                       static_cast<int>(to_string(level).size()), to_string(level).data(),
                       static_cast<int>(component.size()), component.data(),
                       static_cast<int>(message.size()), message.data());
        });
  }
  ~OutageLogFilter() { set_log_handler({}); }
  OutageLogFilter(const OutageLogFilter&) = delete;
  OutageLogFilter& operator=(const OutageLogFilter&) = delete;

  int dropped() const noexcept { return dropped_->load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<std::atomic<int>> dropped_;
};

otel::Tracer demo_tracer() {
  return otel::global_tracer_provider()->get_tracer("kafkatrace-demo");
}

std::string order_key(int order) {
  return "order-" + std::to_string(order);
}

// The order number from a key "order-N" (0 when it is not one).
std::int64_t order_number(std::optional<std::string_view> key) {
  if (!key || !key->starts_with("order-")) return 0;
  std::int64_t number = 0;
  for (char c : key->substr(6)) {
    if (c < '0' || c > '9') return 0;
    number = number * 10 + (c - '0');
  }
  return number;
}

// True once the first attempt of the order sent during the outage has failed (its span has
// reached the in-memory store).
bool first_attempt_failed(const exporters::InMemorySpanStore& store) {
  for (const otel::SpanData& span : store.spans()) {
    if (span.name == kSendSpan && span.status_code == otel::StatusCode::kError) return true;
  }
  return false;
}

kafka::ProducerResult make_producer(const std::string& bootstrap) {
  kafka::ProducerOptions options{.bootstrap_servers = bootstrap};
  // A short delivery timeout makes the simulated outage visible within a second: librdkafka
  // gives up on the record and the RetryPolicy sends it again. Fast reconnects bring the
  // producer back as soon as the broker is up again.
  options.properties = {{"message.timeout.ms", "1000"},
                        {"reconnect.backoff.ms", "50"},
                        {"reconnect.backoff.max.ms", "200"}};
  options.retry = {.max_attempts = 5,
                   .initial_backoff = 100ms,
                   .max_backoff = 400ms,
                   .multiplier = 2.0,
                   .max_elapsed = 15s};
  return kafka::TracedProducer::create(std::move(options));
}

// Places the orders, one `place_order` span each; the outage order's broker goes down first.
// Fills in delivered, retried and error.
DemoStoryResult place_orders(kafka::EmbeddedBroker& broker, kafka::TracedProducer& producer,
                             const DemoStoryOptions& options,
                             const exporters::InMemorySpanStore& store,
                             Clock::time_point deadline) {
  const otel::Tracer tracer = demo_tracer();
  DemoStoryResult result;
  // Metadata first, so the first order is not held up waiting for the partition leaders.
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(producer.handle(), 1, nullptr, &metadata, 5000) == 0) {
    rd_kafka_metadata_destroy(metadata);
  }
  for (int order = 1; order <= options.orders; ++order) {
    const bool outage = order == options.outage_order;
    auto span = tracer.start_span(
        "place_order", {.kind = otel::SpanKind::kInternal, .attributes = {{"order.id", order}}});
    otel::Scope scope(otel::Context::current().with_span(span));
    std::optional<OutageLogFilter> quiet;
    if (outage) {
      std::fprintf(stderr, "kafkatrace demo: order %d: taking the broker down for a moment\n",
                   order);
      quiet.emplace();
      broker.set_broker_down(kBroker);
    }
    auto delivery = producer.send({.topic = kDemoTopic,
                                   .key = order_key(order),
                                   .value = R"({"order_id":)" + std::to_string(order) +
                                            R"(,"quantity":)" + std::to_string(order % 3 + 1) + "}",
                                   .headers = {{"content-type", "application/json"}}});
    if (outage) {
      while (!first_attempt_failed(store) && Clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
      }
      broker.set_broker_up(kBroker);
      std::fprintf(stderr, "kafkatrace demo: order %d: broker back up; the retry policy resends\n",
                   order);
    }
    if (delivery.wait_until(deadline) != std::future_status::ready) {
      span->end();
      result.error = "order " + std::to_string(order) + " was not acknowledged in time";
      return result;
    }
    const kafka::DeliveryResult delivered = delivery.get();
    span->end();
    if (quiet) {
      std::fprintf(stderr,
                   "kafkatrace demo: order %d: delivered after %d attempts (%d connection errors "
                   "from the producer during the outage not shown)\n",
                   order, delivered.attempts, quiet->dropped());
    }
    if (!delivered) {
      result.error = "order " + std::to_string(order) + " failed: " + delivered.error->name + " (" +
                     delivered.error->message + ")";
      return result;
    }
    ++result.delivered;
    if (delivered.attempts > 1) ++result.retried;
  }
  return result;
}

// The processing group's handler: the application's own span inside the process span.
kafka::HandlerResult process_order(const kafka::ConsumedMessage& message, Progress& progress) {
  const std::int64_t order = order_number(message.key());
  auto span = demo_tracer().start_span(
      "process_order", {.kind = otel::SpanKind::kInternal, .attributes = {{"order.id", order}}});
  // Stands in for the real work (reserve stock, charge the card) so the span has a width.
  std::this_thread::sleep_for(2ms);
  span->add_event("stock reserved", {{"order.id", order}});
  span->end();
  {
    std::lock_guard lock(progress.mutex);
    progress.processed.emplace(message.key().value_or(""));
  }
  progress.changed.notify_all();
  return {};
}

void finished(Progress& progress) {
  {
    std::lock_guard lock(progress.mutex);
    ++progress.consumers_stopped;
  }
  progress.changed.notify_all();
}

kafka::ConsumerOptions consumer_options(const std::string& bootstrap, const char* group) {
  return {.bootstrap_servers = bootstrap,
          .group_id = group,
          .topics = {kDemoTopic},
          .auto_offset_reset = "earliest",
          .statistics_interval = 0ms};
}

}  // namespace

DemoStoryResult run_demo_story(kafka::EmbeddedBroker& broker, const DemoStoryOptions& options,
                               const exporters::InMemorySpanStore& store) {
  const auto deadline = Clock::now() + options.deadline;
  const std::string& bootstrap = broker.bootstrap_servers();
  DemoStoryResult result;
  {
    auto created = make_producer(bootstrap);
    if (!created) {
      result.error = "cannot create the producer: " + created.error;
      return result;
    }
    result = place_orders(broker, *created.producer, options, store, deadline);
    if (!result.error.empty()) return result;
  }  // the producer is closed before the consumers start: every send span has ended
  std::fprintf(stderr,
               "kafkatrace demo: %d orders delivered; consuming with groups %s and %s (joining a "
               "group takes a few seconds)\n",
               result.delivered, kDemoProcessingGroup, kDemoAnalyticsGroup);

  auto processing =
      kafka::TracedConsumer::create(consumer_options(bootstrap, kDemoProcessingGroup));
  auto analytics = kafka::TracedConsumer::create(consumer_options(bootstrap, kDemoAnalyticsGroup));
  if (!processing || !analytics) {
    result.error = "cannot create a consumer: " + processing.error + analytics.error;
    return result;
  }

  Progress progress;
  kafka::RunSummary processing_summary;
  kafka::RunSummary analytics_summary;
  std::thread processing_thread([&] {
    processing_summary = processing.consumer->run(
        [&](const kafka::ConsumedMessage& message) { return process_order(message, progress); });
    finished(progress);
  });
  std::thread analytics_thread([&] {
    analytics_summary = analytics.consumer->run_batch(
        [&](const kafka::MessageBatch& batch) {
          {
            std::lock_guard lock(progress.mutex);
            progress.batch_messages += static_cast<int>(batch.size());
            ++progress.batches;
          }
          progress.changed.notify_all();
        },
        static_cast<std::size_t>(options.orders), 300ms);
    finished(progress);
  });
  {
    std::unique_lock lock(progress.mutex);
    progress.changed.wait_until(lock, deadline, [&] {
      return progress.consumers_stopped > 0 ||
             (static_cast<int>(progress.processed.size()) >= result.delivered &&
              progress.batch_messages >= result.delivered);
    });
  }
  processing.consumer->stop();
  analytics.consumer->stop();
  processing_thread.join();
  analytics_thread.join();

  result.processed = static_cast<int>(progress.processed.size());
  result.batch_messages = progress.batch_messages;
  result.batches = progress.batches;
  for (const auto* summary : {&processing_summary, &analytics_summary}) {
    if (summary->fatal_error) {
      result.error = "consumer failed: " + summary->fatal_error->message;
      return result;
    }
  }
  if (result.processed < result.delivered || result.batch_messages < result.delivered) {
    result.error = "timed out: group " + std::string(kDemoProcessingGroup) + " processed " +
                   std::to_string(result.processed) + " and group " + kDemoAnalyticsGroup + " " +
                   std::to_string(result.batch_messages) + " of " +
                   std::to_string(result.delivered) + " orders";
  }
  return result;
}

}  // namespace kafkatrace::cli
