// Fault soak: N messages, each with a unique sequence number as its key, produced with
// idempotence into a 3-broker embedded cluster while FaultInjector (soak_faults.h) injects
// transient request errors, latency, leader moves, broker restarts and coordinator moves, and
// consumed by a consumer group whose member is replaced half-way (one instance stopped, a new
// one started in the same group). Every span goes to SoakLedger (soak_ledger.h).
//
//   fault_soak                          # CI size: 100,000 messages at 4,000/s
//   fault_soak --messages 1000000       # the long run (or KAFKATRACE_SOAK_MESSAGES=1000000)
//   fault_soak --rate 20000 --deadline 600
//   fault_soak --crash-restarts         # brokers crash with requests in flight (see below)
//   fault_soak --max-in-flight 5        # Produce requests in flight per connection (default 1)
//   KAFKATRACE_SOAK_DEBUG=cgrp,fetch fault_soak   # librdkafka debug contexts of the consumers
//
// Figures (table + one "RESULT {json}" line): lost (must be 0), duplicates delivered by the
// producer (must be 0), duplicates processed by the consumer (at-least-once: reported), share of
// processed messages whose process span is a child of the message's send span (must be 1).
// Exit status 1 when a must-be figure is off, 2 on bad arguments or set-up failure.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "kafkatrace/kafka/broker.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/tracer.h"
#include "kafkatrace/otel/tracing_backend.h"
#include "reliability_support.h"
#include "soak_faults.h"
#include "soak_ledger.h"

namespace kafkatrace::reliability {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kTopic = "soak";
constexpr const char* kGroup = "soak-group";
constexpr int kPartitions = 6;
constexpr std::size_t kMaxOutstanding = 50000;  // below librdkafka's 100,000-message queue
constexpr std::size_t kValueSize = 100;

struct SoakOptions {
  std::uint32_t messages = 100000;
  // Messages per second (0: as fast as the queue allows). Production must outlast a few fault
  // cycles (~10 s each), and the consumer group must keep up: the mock keeps only 5 MB per
  // partition (~30,000 of these records), older ones are trimmed.
  long rate = 4000;
  std::chrono::seconds deadline{0};
  // One Produce request in flight per connection. The embedded broker (librdkafka 2.0.2's mock)
  // does not check an idempotent producer's sequence numbers: with several requests in flight,
  // it writes a later batch after an injected error refused an earlier one, and librdkafka then
  // reports the earlier batch delivered ("implicit ack", no offset) although it was never
  // written. A real broker refuses the later batch (OUT_OF_ORDER_SEQUENCE_NUMBER) and librdkafka
  // resends both in order. `--max-in-flight 5` (librdkafka's default) shows the mock's gap as
  // `lost_delivered_without_offset`; docs/reliability.md.
  long max_in_flight = 1;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Sends every sequence number once, paced at `rate`, never more than kMaxOutstanding in flight.
void produce_all(kafka::TracedProducer& producer, SoakLedger& ledger, const SoakOptions& options,
                 const std::atomic<bool>& abort) {
  const auto start = Clock::now();
  for (std::uint32_t seq = 0; seq < options.messages && !abort.load(); ++seq) {
    if (options.rate > 0 && seq % 100 == 0) {
      std::this_thread::sleep_until(start +
                                    std::chrono::microseconds(1000000LL * seq / options.rate));
    }
    while (producer.outstanding() >= kMaxOutstanding && !abort.load())
      std::this_thread::sleep_for(1ms);
    std::string value = key_for(seq) + "|";
    value.resize(kValueSize, 'x');
    producer.send(
        {.topic = kTopic, .key = key_for(seq), .value = std::move(value)},
        [&ledger, seq](const kafka::DeliveryResult& result) { ledger.on_delivery(seq, result); });
  }
}

// One member of the consumer group, running on its own thread until stopped.
class GroupMember {
 public:
  GroupMember(const std::string& bootstrap, std::shared_ptr<otel::TracingBackend> tracing,
              SoakLedger& ledger, std::atomic<std::uint64_t>& assignments) {
    // The mock coordinator waits session.timeout.ms - 1 s before it answers any rejoin of a
    // group that was up (a real broker answers once every known member rejoined): with Kafka's
    // 45 s default, every rebalance the faults cause would stall the group for 44 s.
    std::map<std::string, std::string> properties{{"session.timeout.ms", "6000"},
                                                  {"heartbeat.interval.ms", "1000"}};
    if (const char* debug = std::getenv("KAFKATRACE_SOAK_DEBUG")) properties["debug"] = debug;
    auto created = kafka::TracedConsumer::create(
        {.bootstrap_servers = bootstrap,
         .group_id = kGroup,
         .topics = {kTopic},
         .auto_offset_reset = "earliest",
         .properties = std::move(properties),
         .statistics_interval = 0ms,
         .tracing = std::move(tracing),
         .semconv_mode = kafka::semconv::SemconvMode::kCurrent,
         .on_rebalance = [&assignments](const kafka::RebalanceEvent& event) {
           if (event.kind == kafka::RebalanceEvent::Kind::kAssigned) ++assignments;
         }});
    if (!created) {
      std::fprintf(stderr, "consumer: %s\n", created.error.c_str());
      std::exit(2);
    }
    consumer_ = std::move(created.consumer);
    thread_ = std::thread([this, &ledger] {
      summary_ = consumer_->run([&ledger](const kafka::ConsumedMessage& message) {
        const auto seq = seq_from_key(message.key().value_or(""));
        if (seq) ledger.on_processed(*seq, message);
      });
    });
  }
  // Stops, waits for run() to commit and leave the group, and returns its summary.
  kafka::RunSummary stop() {
    if (!consumer_) return summary_;
    consumer_->stop();
    if (thread_.joinable()) thread_.join();
    consumer_.reset();
    return summary_;
  }
  ~GroupMember() { stop(); }

 private:
  std::unique_ptr<kafka::TracedConsumer> consumer_;
  kafka::RunSummary summary_;
  std::thread thread_;
};

// The topic's watermarks at the end. `records`: records ever appended (the sum of the high
// watermarks); `log_start`: each partition's low watermark. The embedded broker (librdkafka
// 2.0.2's mock) keeps about 5 MB per partition and deletes older records, consumed or not.
// Leaders were moved, so a query may first reach a former leader: retried for up to 30 s.
struct TopicWatermarks {
  std::uint64_t records = 0;
  std::vector<std::int64_t> log_start = std::vector<std::int64_t>(kPartitions, 0);
};

TopicWatermarks topic_watermarks(rd_kafka_t* handle) {
  TopicWatermarks marks;
  for (int partition = 0; partition < kPartitions; ++partition) {
    std::int64_t low = 0, high = 0;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int attempt = 0; attempt < 60; ++attempt) {
      error = rd_kafka_query_watermark_offsets(handle, kTopic, partition, &low, &high, 5000);
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      std::this_thread::sleep_for(500ms);
    }
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "watermarks of partition %d: %s\n", partition, rd_kafka_err2str(error));
      continue;
    }
    marks.records += static_cast<std::uint64_t>(high);
    marks.log_start[static_cast<std::size_t>(partition)] = low;
  }
  return marks;
}

int run(int argc, char** argv) {
  SoakOptions options;
  options.messages = static_cast<std::uint32_t>(
      int_option(argc, argv, "--messages", "KAFKATRACE_SOAK_MESSAGES", options.messages));
  options.rate = int_option(argc, argv, "--rate", "KAFKATRACE_SOAK_RATE", options.rate);
  options.max_in_flight = int_option(argc, argv, "--max-in-flight", nullptr, options.max_in_flight);
  if (options.max_in_flight < 1 || options.max_in_flight > 5) {
    std::fprintf(stderr, "--max-in-flight: 1 to 5 with idempotence, not %ld\n",
                 options.max_in_flight);
    return 2;
  }
  const long default_deadline =
      60 + (options.rate > 0 ? 4 * static_cast<long>(options.messages) / options.rate : 120);
  options.deadline =
      std::chrono::seconds(int_option(argc, argv, "--deadline", nullptr, default_deadline));
  LogTally log_tally(20, std::getenv("KAFKATRACE_SOAK_DEBUG") != nullptr);

  auto started = kafka::EmbeddedBroker::start(
      {.brokers = 3, .partitions = kPartitions, .topics = {kTopic}, .replication_factor = 3});
  if (!started) {
    std::fprintf(stderr, "embedded broker: %s\n", started.error.c_str());
    return 2;
  }
  kafka::EmbeddedBroker& broker = *started.broker;
  const std::string bootstrap = broker.bootstrap_servers();

  auto ledger = std::make_shared<SoakLedger>(options.messages);
  otel::TracerProviderOptions provider_options;
  provider_options.resource = otel::Resource{};
  provider_options.sampler = otel::make_always_on_sampler();
  provider_options.disabled = false;
  provider_options.processors.push_back(
      otel::make_simple_processor(make_soak_span_recorder(ledger)));
  auto provider = otel::make_tracer_provider(std::move(provider_options));
  std::shared_ptr<otel::TracingBackend> tracing =
      otel::make_sdk_tracing_backend(provider->get_tracer("fault-soak"));

  auto created =
      kafka::TracedProducer::create({.bootstrap_servers = bootstrap,
                                     .properties = {{"enable.idempotence", "true"},
                                                    {"acks", "all"},
                                                    {"message.timeout.ms", "300000"},
                                                    {"max.in.flight.requests.per.connection",
                                                     std::to_string(options.max_in_flight)}},
                                     .tracing = tracing,
                                     .semconv_mode = kafka::semconv::SemconvMode::kCurrent});
  if (!created) {
    std::fprintf(stderr, "producer: %s\n", created.error.c_str());
    return 2;
  }
  kafka::TracedProducer& producer = *created.producer;

  const auto start = Clock::now();
  const auto deadline = start + options.deadline;
  std::atomic<std::uint64_t> assignments{0};
  auto member = std::make_unique<GroupMember>(bootstrap, tracing, *ledger, assignments);
  const bool crash_restarts = has_flag(argc, argv, "--crash-restarts");
  FaultInjector faults(broker, {.topic = kTopic,
                                .partitions = kPartitions,
                                .group = kGroup,
                                .hold = 700ms,
                                .crash_restarts = crash_restarts});
  std::atomic<bool> abort_production{false};
  std::atomic<bool> production_done{false};
  std::thread production([&] {
    produce_all(producer, *ledger, options, abort_production);
    production_done = true;
  });

  bool restarted = false;
  double restart_at = 0.0, faults_at = 0.0;
  auto next_progress = start + 5s;
  while (ledger->distinct_processed() < options.messages && Clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    // Chaos once the group is up (its first join takes ~3 s); production starts at once.
    if (faults_at == 0.0 && (ledger->distinct_processed() > 0 || Clock::now() > start + 15s)) {
      faults_at = seconds_since(start);
      faults.start();
    }
    if (!restarted && ledger->distinct_processed() >= options.messages / 2) {
      restart_at = seconds_since(start);
      member->stop();  // commits what it processed and leaves the group
      member = std::make_unique<GroupMember>(bootstrap, tracing, *ledger, assignments);
      restarted = true;
    }
    if (Clock::now() >= next_progress) {
      next_progress += 5s;
      std::fprintf(stderr, "[%5.1fs] reports %llu, processed %llu/%u, fault cycles %llu\n",
                   seconds_since(start), static_cast<unsigned long long>(ledger->reports()),
                   static_cast<unsigned long long>(ledger->distinct_processed()), options.messages,
                   static_cast<unsigned long long>(faults.counts().cycles));
    }
  }
  const double elapsed = seconds_since(start);
  faults.stop();
  abort_production = Clock::now() >= deadline;
  production.join();
  const bool flushed = producer.flush(30s);
  const kafka::RunSummary second = member->stop();
  member.reset();
  const TopicWatermarks marks = topic_watermarks(producer.handle());
  created.producer.reset();  // every send span ended
  provider->force_flush();
  const SoakFigures f = ledger->figures(marks.records, marks.log_start);
  const otel::TracerStats stats = provider->stats();

  const bool ok = f.lost == 0 && f.producer_duplicates == 0 && f.trace_share == 1.0 && restarted &&
                  production_done.load();
  Report report("fault_soak");
  report.add("messages", f.messages);
  report.add("seconds", elapsed, 1);
  report.add("delivered", f.delivered);
  report.add("delivered_without_offset", f.delivered_without_offset);
  report.add("delivery_failures", f.delivery_failures);
  report.add("missing_delivery_reports", f.missing_reports);
  report.add("topic_records", f.topic_records);
  report.add("max_in_flight", options.max_in_flight);
  report.add("lost", f.lost);
  report.add("lost_delivered_without_offset", f.lost_delivered_without_offset);
  report.add("lost_below_log_start", f.lost_below_log_start);
  report.add("records_deleted_by_broker_retention", f.records_below_log_start);
  report.add("producer_duplicates", f.producer_duplicates);
  report.add("consumer_duplicates", f.consumer_duplicates);
  report.add("processed", f.processed);
  report.add("report_offset_mismatches", f.report_mismatches);
  report.add("send_spans", f.send_spans);
  report.add("send_spans_with_error", f.send_spans_with_error);
  report.add("process_spans", f.process_spans);
  report.add("process_spans_in_producer_trace", f.process_spans_in_trace);
  report.add("trace_share", f.trace_share, 6);
  report.add("foreign_spans", f.foreign_spans);
  report.add("spans_started", stats.spans_started);
  report.add("spans_ended", stats.spans_ended);
  report.add("faults_started_at_seconds", faults_at, 1);
  report.add("group_restart_at_seconds", restart_at, 1);
  report.add("group_assignments", assignments.load());
  report.add("second_member_processed", second.processed);
  report.add("producer_flushed", flushed);
  const FaultCounts counts = faults.counts();
  report.add("fault_cycles", counts.cycles);
  report.add("broker_restarts", counts.broker_restarts);
  report.add_text("restart_kind", crash_restarts ? "crash" : "controlled");
  report.add("leader_moves", counts.leader_moves);
  report.add("request_errors_injected", counts.request_errors_pushed);
  report.add("latency_spikes", counts.latency_spikes);
  report.add("forced_rebalances", counts.forced_rebalances);
  report.add("coordinator_moves", counts.coordinator_moves);
  report.add("coordinator_restarts", counts.coordinator_restarts);
  report.add("log_warnings", log_tally.warnings());
  report.add("log_errors", log_tally.errors());
  report.add("peak_rss_kib", peak_rss_kib());
  report.add("ok", ok);
  report.print();
  std::fprintf(stderr, "faults: %s\nlog warnings/errors by component: %s\n",
               counts.summary().c_str(), log_tally.summary().c_str());
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace kafkatrace::reliability

int main(int argc, char** argv) {
  return kafkatrace::reliability::run(argc, argv);
}
