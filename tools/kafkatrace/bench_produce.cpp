// The produce runs of `kafkatrace bench`: a plain librdkafka loop and TracedProducer with
// tracing off, at 100% and at 1% sampling (OTLP/HTTP export to the local sink).
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench_internal.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/trace_id.h"
#include "kafkatrace/otel/tracer.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::cli::bench {
namespace {

// The librdkafka configuration of every run: TracedProducer's defaults, spelled out for the
// plain loop, and a queue large enough that no run ever sees _QUEUE_FULL.
std::map<std::string, std::string> common_properties() {
  return {{"enable.idempotence", "true"},
          {"acks", "all"},
          {"compression.type", "lz4"},
          {"linger.ms", "5"},
          {"queue.buffering.max.messages", "10000000"},
          {"queue.buffering.max.kbytes", "2097151"}};
}

// Progress is reported every kProgressStep records.
constexpr std::size_t kProgressStep = 1024;

// A sampled W3C traceparent with fresh random ids, as a tracing producer writes on every record:
// ids drawn and hex-encoded by the tracer's own generator. Fresh ids matter: constant ones would
// compress to nothing under lz4 and understate what propagation costs the broker thread.
class TraceparentWriter {
 public:
  TraceparentWriter() { std::memcpy(text_, "00-", 3); }

  std::string_view next() noexcept {
    otel::TraceId::random().to_hex(text_ + 3);
    text_[35] = '-';
    otel::SpanId::random().to_hex(text_ + 36);
    std::memcpy(text_ + 52, "-01", 3);
    return {text_, sizeof text_};
  }

 private:
  char text_[55];
};

// One record with the bench's two headers (and `traceparent` unless empty) through
// rd_kafka_produceva (the varargs macros of rd_kafka_producev use C casts). Returns librdkafka's
// error code.
rd_kafka_resp_err_t produce_plain(rd_kafka_t* handle, const std::string& topic,
                                  const std::string& value, std::string_view traceparent) {
  rd_kafka_vu_t fields[6] = {};
  fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
  fields[0].u.cstr = topic.c_str();
  fields[1].vtype = RD_KAFKA_VTYPE_VALUE;
  fields[1].u.mem = {const_cast<char*>(value.data()), value.size()};
  fields[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  fields[2].u.i = RD_KAFKA_MSG_F_COPY;
  fields[3].vtype = RD_KAFKA_VTYPE_HEADER;
  fields[3].u.header = {"app", "kafkatrace-bench", 16};
  fields[4].vtype = RD_KAFKA_VTYPE_HEADER;
  fields[4].u.header = {"run", "plain", 5};
  fields[5].vtype = RD_KAFKA_VTYPE_HEADER;
  fields[5].u.header = {"traceparent", traceparent.data(),
                        static_cast<ssize_t>(traceparent.size())};
  rd_kafka_error_t* error = rd_kafka_produceva(handle, fields, traceparent.empty() ? 5 : 6);
  if (error == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
  rd_kafka_error_destroy(error);
  return code;
}

void on_plain_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* counts = static_cast<std::atomic<std::size_t>*>(opaque);
  counts[message->err ? 1 : 0].fetch_add(1, std::memory_order_relaxed);
}

RunResult run_plain(const RunConfig& config, bool traceparent) {
  RunResult result;
  std::atomic<std::size_t> counts[2] = {0, 0};  // delivered, failed
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512] = "";
  auto properties = common_properties();
  properties["bootstrap.servers"] = config.bootstrap;
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error)) {
      rd_kafka_conf_destroy(conf);
      result.error = error;
      return result;
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_plain_delivery);
  rd_kafka_conf_set_opaque(conf, counts);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    result.error = error;
    return result;
  }
  const std::string value(config.size, 'v');
  TraceparentWriter writer;
  auto next_traceparent = [&] { return traceparent ? writer.next() : std::string_view{}; };
  // Warm-up: connection, metadata and producer id before the clock starts.
  produce_plain(handle, config.topic, value, next_traceparent());
  rd_kafka_flush(handle, 30000);
  counts[0].store(0);
  counts[1].store(0);
  const Stopwatch watch;
  for (std::size_t i = 0; i < config.count; ++i) {
    rd_kafka_resp_err_t err;
    do {
      err = produce_plain(handle, config.topic, value, next_traceparent());
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(handle, 10);
    } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    if (err) counts[1].fetch_add(1);
    if (i % kProgressStep == 0) {
      rd_kafka_poll(handle, 0);
      if (config.progress != nullptr) config.progress->update(i);
    }
  }
  while (counts[0].load() + counts[1].load() < config.count) rd_kafka_flush(handle, 1000);
  watch.stop(result);
  result.delivered = counts[0].load();
  result.failed = counts[1].load();
  rd_kafka_destroy(handle);
  return result;
}

std::unique_ptr<kafka::TracedProducer> make_traced(
    const RunConfig& config, const std::shared_ptr<otel::TracerProvider>& provider,
    otel::MessagingMetrics metrics, std::string& error) {
  auto created = kafka::TracedProducer::create(
      {.bootstrap_servers = config.bootstrap,
       .properties = common_properties(),
       .tracing = otel::make_sdk_tracing_backend(provider->get_tracer("kafkatrace-bench")),
       .metrics = std::move(metrics)});
  error = created.error;
  return std::move(created.producer);
}

kafka::ProducerRecord bench_record(const RunConfig& config, const char* run) {
  return {.topic = config.topic,
          .value = std::string(config.size, 'v'),
          .headers = {{"app", "kafkatrace-bench"}, {"run", run}}};
}

}  // namespace

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::kPlainLibrdkafka: return "librdkafka";
    case Mode::kPlainTraceparent: return "librdkafka_traceparent";
    case Mode::kTracingOff: return "traced_off";
    case Mode::kTraced100: return "traced_100";
    case Mode::kTraced1: return "traced_1";
  }
  return "?";
}

RunResult run_produce(Mode mode, const RunConfig& config) {
  if (mode == Mode::kPlainLibrdkafka || mode == Mode::kPlainTraceparent)
    return run_plain(config, mode == Mode::kPlainTraceparent);
  RunResult result;
  const Telemetry telemetry = make_telemetry(mode, config);
  const auto& provider = telemetry.tracer_provider;
  auto producer =
      make_traced(config, provider,
                  otel::MessagingMetrics::create(telemetry.meter_provider->get_meter("kafkatrace")),
                  result.error);
  if (!producer) return result;
  const kafka::ProducerRecord record = bench_record(config, mode_name(mode));
  producer->send(record).wait();  // warm-up: connection, metadata, producer id
  std::atomic<std::size_t> delivered{0}, failed{0};
  const Stopwatch watch;
  for (std::size_t i = 0; i < config.count; ++i) {
    producer->send(record, [&](const kafka::DeliveryResult& report) {
      (report.ok() ? delivered : failed).fetch_add(1, std::memory_order_relaxed);
    });
    if (i % kProgressStep == 0 && config.progress != nullptr) config.progress->update(i);
  }
  producer->flush(std::chrono::minutes(5));
  watch.stop(result);
  provider->force_flush(std::chrono::seconds(10));  // the queued spans' export counts in the CPU
  watch.stop_cpu(result);
  result.delivered = delivered.load();
  result.failed = failed.load();
  producer.reset();
  provider->shutdown(std::chrono::seconds(10));
  const otel::TracerStats stats = provider->stats();
  result.spans_exported = stats.spans_exported;
  result.spans_dropped = stats.spans_dropped;
  return result;
}

RunResult run_serial(const RunConfig& config) {
  RunResult result;
  auto provider = otel::make_noop_tracer_provider();
  auto producer = make_traced(config, provider, {}, result.error);
  if (!producer) return result;
  const kafka::ProducerRecord record = bench_record(config, "serial");
  producer->send(record).wait();
  const Stopwatch watch;
  for (std::size_t i = 0; i < config.count; ++i)
    (producer->send(record).get().ok() ? result.delivered : result.failed) += 1;
  watch.stop(result);
  return result;
}

RunResult run_batch(const RunConfig& config) {
  RunResult result;
  auto provider = otel::make_noop_tracer_provider();
  auto producer = make_traced(config, provider, {}, result.error);
  if (!producer) return result;
  const std::vector<kafka::ProducerRecord> records(config.count, bench_record(config, "batch"));
  producer->send(records.front()).wait();
  const Stopwatch watch;
  for (const auto& report : producer->send_batch(records))
    (report.ok() ? result.delivered : result.failed) += 1;
  watch.stop(result);
  return result;
}

}  // namespace kafkatrace::cli::bench
