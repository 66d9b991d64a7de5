// The consume runs of `kafkatrace bench`: a plain librdkafka consumer loop (with or without
// reading each record's traceparent header), and TracedConsumer::run
// with a no-op handler with tracing off, at 100% and at 1% sampling (OTLP/HTTP export to the
// local receiver). Every record carries a sampled W3C traceparent, as a traced producer at 100%
// writes it, so the traced consumer extracts, parents and links on every record. At 1% the
// sampler is traceidratio(0.01) without parentbased (which would follow the sampled flag and
// sample everything): the process span is a child of the record's context, so this samples
// exactly the traces a 1% producer would have sampled.
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "bench_internal.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/tracer.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::cli::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kProgressStep = 1024;
// A run fails when no record arrived for this long (the group join takes ≈3 s on the embedded
// broker).
constexpr auto kStallTimeout = std::chrono::seconds(60);

// Every consumer prefetches without limit. librdkafka 2.0.2 stops fetching a partition for a
// fixed 1 s once the consumer queue holds queued.min.messages (default 100,000) or
// queued.max.messages.kbytes (default 64 MiB); `fetch.queue.backoff.ms`, which shortens that,
// arrived in 2.4. A consumer that drains 100,000 records in well under a second then sits idle
// for the rest of it, and the run would time that wait instead of the consumer: every loop
// slower than ~0.5 us a record ran at the same ~148,000 msgs/s, on the embedded broker and on
// Apache Kafka alike (docs/benchmarks.md).
// A fetch also waits at most 10 ms for data (fetch.wait.max.ms, default 500): a partition
// whose fetching starts after the others' (its committed offset came later) then joins within
// 10 ms, not half a second later, which a short run would time as consuming.
constexpr std::pair<const char*, const char*> kPrefetchAll[] = {
    {"queued.min.messages", "10000000"},
    {"queued.max.messages.kbytes", "2097151"},
    {"fetch.wait.max.ms", "10"}};

bool set_all(rd_kafka_conf_t* conf, std::initializer_list<std::pair<const char*, std::string>> all,
             std::string& error) {
  char text[512] = "";
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), text, sizeof text) != RD_KAFKA_CONF_OK) {
      error = text;
      return false;
    }
  }
  return true;
}

// Times the records of one run: from the first record handed over to the last one.
struct ConsumeClock {
  std::optional<Stopwatch> watch;
  std::size_t seen = 0;
  // True when the run is complete.
  bool on_record(const RunConfig& config, RunResult& result) {
    if (seen++ == 0) watch.emplace();
    if (seen % kProgressStep == 0 && config.progress != nullptr) config.progress->update(seen);
    if (seen < config.count) return false;
    watch->stop(result);
    result.delivered = seen;
    return true;
  }
};

// Says how far the run got: a stall before the first record (group join, assignment) and one
// midway (fetching) have different causes.
std::string stall_error(std::size_t seen, std::size_t count) {
  return "no record for 60 s (" + std::to_string(seen) + " of " + std::to_string(count) +
         " records consumed)";
}

// The plain loop; with `read_traceparent`, it also reads each record's traceparent header, as
// any consumer that continues the producer's trace must (librdkafka parses a record's headers on
// first access).
RunResult run_plain(const RunConfig& config, const std::string& group, bool read_traceparent) {
  RunResult result;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (!set_all(conf,
               {{"bootstrap.servers", config.bootstrap},
                {"group.id", group},
                {"auto.offset.reset", "earliest"},
                kPrefetchAll[0],
                kPrefetchAll[1],
                kPrefetchAll[2]},
               result.error)) {
    rd_kafka_conf_destroy(conf);
    return result;
  }
  char text[512] = "";
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, text, sizeof text);
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    result.error = text;
    return result;
  }
  rd_kafka_poll_set_consumer(handle);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, config.consume_topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(handle, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  ConsumeClock clock;
  std::size_t header_bytes = 0;
  auto last = Clock::now();
  while (Clock::now() - last < kStallTimeout) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(handle, 100);
    if (message == nullptr) continue;
    const bool record = message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (record && read_traceparent) {
      rd_kafka_headers_t* headers = nullptr;
      const void* value = nullptr;
      std::size_t size = 0;
      if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
          rd_kafka_header_get_last(headers, "traceparent", &value, &size) ==
              RD_KAFKA_RESP_ERR_NO_ERROR) {
        header_bytes += size;
      }
    }
    rd_kafka_message_destroy(message);
    if (!record) continue;
    last = Clock::now();
    if (clock.on_record(config, result)) break;
  }
  if (result.delivered < config.count) result.error = stall_error(clock.seen, config.count);
  if (read_traceparent && result.error.empty() && header_bytes < 55 * result.delivered)
    result.error = "records without a traceparent header";
  rd_kafka_consumer_close(handle);
  rd_kafka_destroy(handle);
  return result;
}

// Calls stop() on the consumer when no record arrived for kStallTimeout.
class Watchdog {
 public:
  Watchdog(kafka::TracedConsumer& consumer, const std::atomic<std::size_t>& seen)
      : thread_([this, &consumer, &seen] {
          std::unique_lock lock(mutex_);
          std::size_t before = seen.load();
          auto last = Clock::now();
          while (!done_) {
            wake_.wait_for(lock, std::chrono::seconds(1));
            if (seen.load() != before) {
              before = seen.load();
              last = Clock::now();
            } else if (Clock::now() - last > kStallTimeout) {
              stalled_ = true;
              consumer.stop();
              return;
            }
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  bool stalled() {
    std::lock_guard lock(mutex_);
    return stalled_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  bool stalled_ = false;
  std::thread thread_;
};

}  // namespace

std::string fill_consume_topic(const RunConfig& config) {
  std::string error;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (!set_all(conf,
               {{"bootstrap.servers", config.bootstrap},
                {"compression.type", "lz4"},
                {"linger.ms", "20"},
                {"sticky.partitioning.linger.ms", "0"},
                {"queue.buffering.max.messages", "10000000"},
                {"queue.buffering.max.kbytes", "2097151"}},
               error)) {
    rd_kafka_conf_destroy(conf);
    return error;
  }
  char text[512] = "";
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, text, sizeof text);
  if (producer == nullptr) {
    rd_kafka_conf_destroy(conf);
    return text;
  }
  const std::string value(config.size, 'v');
  std::mt19937_64 random(0x6b61666b61747261ULL);  // fixed: every run reads the same trace ids
  char traceparent[56];
  for (std::size_t i = 0; i < config.count; ++i) {
    const std::uint64_t high = random(), low = random();
    const std::uint64_t span = random() | 1;  // never the invalid all-zero id
    std::snprintf(traceparent, sizeof traceparent, "00-%016llx%016llx-%016llx-01",
                  static_cast<unsigned long long>(high), static_cast<unsigned long long>(low),
                  static_cast<unsigned long long>(span));
    rd_kafka_headers_t* headers = rd_kafka_headers_new(3);
    rd_kafka_header_add(headers, "app", -1, "kafkatrace-bench", -1);
    rd_kafka_header_add(headers, "run", -1, "consume", -1);
    rd_kafka_header_add(headers, "traceparent", -1, traceparent, -1);
    rd_kafka_vu_t fields[4] = {};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = config.consume_topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[1].u.mem = {const_cast<char*>(value.data()), value.size()};
    fields[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[2].u.i = RD_KAFKA_MSG_F_COPY;
    fields[3].vtype = RD_KAFKA_VTYPE_HEADERS;
    fields[3].u.headers = headers;
    while (rd_kafka_error_t* failed = rd_kafka_produceva(producer, fields, 4)) {
      const bool full = rd_kafka_error_code(failed) == RD_KAFKA_RESP_ERR__QUEUE_FULL;
      if (!full) error = rd_kafka_error_string(failed);
      rd_kafka_error_destroy(failed);
      if (!full) break;
      rd_kafka_poll(producer, 10);
    }
    if (!error.empty()) {
      rd_kafka_headers_destroy(headers);  // not taken over when the produce call failed
      break;
    }
    if (i % kProgressStep == 0) {
      rd_kafka_poll(producer, 0);
      if (config.progress != nullptr) config.progress->update(i);
    }
  }
  if (rd_kafka_flush(producer, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR && error.empty())
    error = "the records were not all delivered within 2 minutes";
  rd_kafka_destroy(producer);
  return error;
}

RunResult run_consume(Mode mode, const RunConfig& config, const std::string& group) {
  if (mode == Mode::kPlainLibrdkafka || mode == Mode::kPlainTraceparent)
    return run_plain(config, group, mode == Mode::kPlainTraceparent);
  RunResult result;
  const Telemetry telemetry = make_telemetry(mode, config, /*parent_based=*/false);
  auto created = kafka::TracedConsumer::create(
      {.bootstrap_servers = config.bootstrap,
       .group_id = group,
       .topics = {config.consume_topic},
       .auto_offset_reset = "earliest",
       .properties = {std::begin(kPrefetchAll), std::end(kPrefetchAll)},
       .statistics_interval = std::chrono::milliseconds(0),
       .tracing = otel::make_sdk_tracing_backend(
           telemetry.tracer_provider->get_tracer("kafkatrace-bench")),
       .meter = telemetry.meter_provider->get_meter("kafkatrace")});
  if (!created) {
    result.error = created.error;
    return result;
  }
  kafka::TracedConsumer& consumer = *created.consumer;
  ConsumeClock clock;
  std::atomic<std::size_t> seen{0};
  {
    Watchdog watchdog(consumer, seen);
    consumer.run([&](const kafka::ConsumedMessage&) {
      seen.store(clock.seen + 1, std::memory_order_relaxed);
      if (!clock.on_record(config, result)) return;
      // The spans still queued are part of the run's cost: their export counts in its CPU (not
      // in its time). Only this last record's own span ends after the reading.
      telemetry.tracer_provider->force_flush(std::chrono::seconds(10));
      clock.watch->stop_cpu(result);
      consumer.stop();
    });
    if (watchdog.stalled()) result.error = stall_error(clock.seen, config.count);
  }
  created.consumer.reset();
  telemetry.tracer_provider->shutdown(std::chrono::seconds(10));
  const otel::TracerStats stats = telemetry.tracer_provider->stats();
  result.spans_exported = stats.spans_exported;
  result.spans_dropped = stats.spans_dropped;
  return result;
}

}  // namespace kafkatrace::cli::bench
