// Consume + process throughput of TracedConsumer with a no-op handler, tracing off
// (OTEL_SDK_DISABLED) vs 100% and 1% sampling with OTLP/HTTP export to a local discarding
// receiver, alternating runs on one embedded broker. Not a Google Benchmark (it needs a broker);
// the consume half of `kafkatrace bench` should take this over.
//
//   consumer_throughput [messages=80000] [rounds=3]
//
// The topic has 4 partitions: librdkafka 2.0.2's mock keeps about 5 MB per partition.
//
// Every message carries a sampled W3C traceparent (as a traced producer writes), so the
// consumer extracts, parents and links on every message. Measured from the first message to the
// last (the group join is excluded); CPU is the whole process's user+sys over the same span.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bench_internal.h"  // tools/kafkatrace: DiscardingHttpSink
#include "kafkatrace/kafka/broker.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/setup.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace {

using namespace std::chrono_literals;
namespace kk = kafkatrace::kafka;
namespace ko = kafkatrace::otel;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void produce(const std::string& bootstrap, const std::string& topic, std::size_t count) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error);
  rd_kafka_conf_set(conf, "linger.ms", "20", error, sizeof error);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  const std::string value(100, 'v');
  char traceparent[64];
  for (std::size_t i = 0; i < count; ++i) {
    std::snprintf(traceparent, sizeof traceparent, "00-%016llx%016zx-%016zx-01",
                  0x4bf92f3577b34da6ULL, i + 1, i + 1);
    rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
    rd_kafka_header_add(headers, "traceparent", -1, traceparent, -1);
    rd_kafka_vu_t fields[3] = {};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[1].u.mem = {const_cast<char*>(value.data()), value.size()};
    fields[2].vtype = RD_KAFKA_VTYPE_HEADERS;
    fields[2].u.headers = headers;
    while (rd_kafka_error_t* failed = rd_kafka_produceva(producer, fields, 3)) {
      rd_kafka_error_destroy(failed);
      rd_kafka_poll(producer, 10);
    }
    rd_kafka_poll(producer, 0);
  }
  rd_kafka_flush(producer, 60000);
  rd_kafka_destroy(producer);
}

struct Result {
  double seconds = 0;
  double cpu = 0;
};

Result consume(const std::string& bootstrap, const std::string& topic, std::size_t count,
               const std::string& group, const std::shared_ptr<ko::TracingBackend>& tracing) {
  kk::ConsumerOptions options{.bootstrap_servers = bootstrap,
                              .group_id = group,
                              .topics = {topic},
                              .auto_offset_reset = "earliest"};
  options.tracing = tracing;
  options.statistics_interval = 0ms;
  auto created = kk::TracedConsumer::create(std::move(options));
  if (!created) std::abort();
  kk::TracedConsumer& consumer = *created.consumer;
  std::size_t seen = 0;
  std::chrono::steady_clock::time_point first;
  double first_cpu = 0;
  Result result;
  consumer.run([&](const kk::ConsumedMessage&) {
    if (seen++ == 0) {
      first = std::chrono::steady_clock::now();
      first_cpu = cpu_seconds();
    }
    if (seen == count) {
      result.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - first).count();
      result.cpu = cpu_seconds() - first_cpu;
      consumer.stop();
    }
  });
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 80000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  kafkatrace::set_log_level(kafkatrace::LogLevel::kWarning);
  auto started = kk::EmbeddedBroker::start({.brokers = 1, .partitions = 4, .topics = {"bench"}});
  if (!started) return 1;
  const std::string bootstrap = started.broker->bootstrap_servers();
  produce(bootstrap, "bench", count);
  kafkatrace::cli::bench::DiscardingHttpSink sink;
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(sink.port());
  setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.c_str(), 1);
  setenv("OTEL_METRICS_EXPORTER", "none", 1);

  struct Mode {
    const char* name;
    const char* disabled;
    const char* sampler;
    const char* arg;
  };
  const Mode modes[] = {{"off", "true", "always_on", "1"},
                        {"traced-100%", "false", "always_on", "1"},
                        {"traced-1%", "false", "traceidratio", "0.01"}};
  int run = 0;
  for (int round = 0; round < rounds; ++round) {
    for (const Mode& mode : modes) {
      setenv("OTEL_SDK_DISABLED", mode.disabled, 1);
      setenv("OTEL_TRACES_SAMPLER", mode.sampler, 1);
      setenv("OTEL_TRACES_SAMPLER_ARG", mode.arg, 1);
      ko::TracingHandle tracing = ko::init_tracing_from_environment();
      auto backend = ko::make_sdk_tracing_backend(tracing.provider()->get_tracer("kafkatrace"));
      const Result result = consume(bootstrap, "bench", count, "g" + std::to_string(run++),
                                    std::shared_ptr<ko::TracingBackend>(std::move(backend)));
      const auto stats = tracing.provider()->stats();
      tracing.shutdown();
      std::printf("%-12s %8.0f msg/s  cpu %.3f us/msg  spans exported %llu dropped %llu\n",
                  mode.name, static_cast<double>(count) / result.seconds,
                  result.cpu * 1e6 / static_cast<double>(count),
                  static_cast<unsigned long long>(stats.spans_exported),
                  static_cast<unsigned long long>(stats.spans_dropped));
      std::fflush(stdout);
    }
  }
  std::printf("sink: %llu requests, %llu bytes\n", static_cast<unsigned long long>(sink.requests()),
              static_cast<unsigned long long>(sink.bytes()));
  return 0;
}
