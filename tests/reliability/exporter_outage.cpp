// Exporter outage: Kafka produce+consume throughput, peak memory and span accounting with the
// OTLP/HTTP endpoint healthy (200), refusing connections, black-holing them (accepts, never
// answers) or answering 503 for the whole run. Each measurement uses a fresh tracer provider
// (the default batch processor over the default OTLP/HTTP exporter, always-on sampling) on one
// long-lived producer and consumer (KafkaLoop); repetitions are interleaved, the scenario order
// rotating each time, and medians reported. One unrecorded healthy round goes first.
//
//   exporter_outage                                    # short: 3 x 4 x 50,000 messages
//   exporter_outage --messages 200000 --repetitions 7  # the figures in docs/reliability.md
//   exporter_outage --min-ratio-percent 80 --max-rss-growth-mib 64 --shutdown-timeout-ms 2000
//   exporter_outage --order black_hole,healthy,refused  # these rounds in this order, each rep
//
// Checks (exit status 1 when one fails): for every measurement, spans started = ended = dropped
// + exported + failed once shutdown returned; exported = spans the receiver accepted (0 in an
// outage); peak RSS growth during the round <= --max-rss-growth-mib; per outage scenario, median
// throughput >= --min-ratio x the healthy median.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/kafka/broker.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/tracer.h"
#include "otlp_test_receiver.h"
#include "outage_kafka_loop.h"
#include "reliability_support.h"
#include "switchable_tracing.h"

namespace kafkatrace::reliability {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Scenario {
  std::string name;
  std::string endpoint;
  const OtlpTestReceiver* receiver = nullptr;  // null for the refused endpoint
};

struct Measurement {
  double seconds = 0.0;
  double throughput = 0.0;  // messages per second
  std::uint64_t rss_before_kib = 0;
  std::uint64_t peak_rss_kib = 0;
  double shutdown_seconds = 0.0;
  otel::TracerStats stats;
  std::uint64_t unaccounted_at_shutdown = 0;  // ended - (dropped + exported + failed) then
  std::uint64_t receiver_accepted = 0;
};

bool adds_up(const otel::TracerStats& s) {
  return s.spans_started == s.spans_ended &&
         s.spans_ended == s.spans_dropped + s.spans_exported + s.spans_export_failed;
}

std::uint64_t unaccounted(const otel::TracerStats& s) {
  const std::uint64_t accounted = s.spans_dropped + s.spans_exported + s.spans_export_failed;
  return s.spans_ended > accounted ? s.spans_ended - accounted : 0;
}

std::optional<Measurement> measure(const Scenario& scenario, KafkaLoop& loop,
                                   SwitchableTracing& tracing,
                                   const std::shared_ptr<otel::TracingBackend>& idle,
                                   std::uint64_t messages, std::chrono::milliseconds shutdown) {
  otel::TracerProviderOptions options;
  options.sampler = otel::make_always_on_sampler();
  options.disabled = false;
  // Library defaults throughout: queue 2048, batch 512, 5 s delay; 10 s export timeout, 5
  // attempts with 1-5 s backoff.
  options.processors.push_back(otel::make_batch_processor(
      exporters::make_otlp_http_exporter({.endpoint = scenario.endpoint}), otel::BatchOptions{}));
  auto provider = otel::make_tracer_provider(std::move(options));
  const std::uint64_t accepted_before =
      scenario.receiver ? scenario.receiver->stats().spans_accepted : 0;
  tracing.use(otel::make_sdk_tracing_backend(provider->get_tracer("exporter-outage")));

  Measurement m;
  reset_peak_rss();
  m.rss_before_kib = current_rss_kib();
  const auto seconds = loop.round(messages, 180s);
  m.peak_rss_kib = peak_rss_kib();
  tracing.use(idle);
  if (!seconds) {
    std::fprintf(stderr, "%s: the round did not complete\n", scenario.name.c_str());
    return std::nullopt;
  }
  m.seconds = *seconds;
  m.throughput = static_cast<double>(messages) / *seconds;

  const auto shutdown_started = Clock::now();
  provider->shutdown(shutdown);
  m.shutdown_seconds = std::chrono::duration<double>(Clock::now() - shutdown_started).count();
  m.stats = provider->stats();
  m.unaccounted_at_shutdown = unaccounted(m.stats);
  // A worker abandoned at the shutdown deadline may still be finishing its batch: wait for the
  // counts to settle so that the identity check sees the final figures (reported separately).
  for (const auto until = Clock::now() + 15s; !adds_up(m.stats) && Clock::now() < until;) {
    std::this_thread::sleep_for(10ms);
    m.stats = provider->stats();
  }
  m.receiver_accepted =
      scenario.receiver ? scenario.receiver->stats().spans_accepted - accepted_before : 0;
  return m;
}

void print_measurement(const std::string& name, int repetition, const Measurement& m) {
  std::fprintf(stderr,
               "%-10s rep %d: %8.0f msg/s  rss %6llu->%6llu KiB  spans %llu ended %llu dropped "
               "%llu exported %llu failed  shutdown %.2fs (unaccounted then %llu)\n",
               name.c_str(), repetition, m.throughput,
               static_cast<unsigned long long>(m.rss_before_kib),
               static_cast<unsigned long long>(m.peak_rss_kib),
               static_cast<unsigned long long>(m.stats.spans_ended),
               static_cast<unsigned long long>(m.stats.spans_dropped),
               static_cast<unsigned long long>(m.stats.spans_exported),
               static_cast<unsigned long long>(m.stats.spans_export_failed), m.shutdown_seconds,
               static_cast<unsigned long long>(m.unaccounted_at_shutdown));
}

int run(int argc, char** argv) {
  const auto messages = static_cast<std::uint64_t>(
      int_option(argc, argv, "--messages", "KAFKATRACE_OUTAGE_MESSAGES", 50000));
  const int repetitions =
      static_cast<int>(int_option(argc, argv, "--repetitions", "KAFKATRACE_OUTAGE_REPETITIONS", 3));
  const double min_ratio =
      static_cast<double>(int_option(argc, argv, "--min-ratio-percent", nullptr, 80)) / 100.0;
  const auto max_growth_kib =
      static_cast<std::uint64_t>(int_option(argc, argv, "--max-rss-growth-mib", nullptr, 64)) *
      1024;
  const std::chrono::milliseconds shutdown_timeout(
      int_option(argc, argv, "--shutdown-timeout-ms", nullptr, 2000));
  LogTally log_tally(5);

  auto broker = kafka::EmbeddedBroker::start({.partitions = 3, .topics = {"outage"}});
  auto healthy = OtlpTestReceiver::start(ReceiverMode::kHealthy);
  auto black_hole = OtlpTestReceiver::start(ReceiverMode::kBlackHole);
  auto unavailable = OtlpTestReceiver::start(ReceiverMode::kUnavailable);
  auto refusing = RefusingEndpoint::start();
  if (!broker || !healthy || !black_hole || !unavailable || !refusing) {
    std::fprintf(stderr, "set-up failed: %s\n", broker.error.c_str());
    return 2;
  }
  const std::vector<Scenario> scenarios{{"healthy", healthy->endpoint(), healthy.get()},
                                        {"refused", refusing->endpoint(), nullptr},
                                        {"black_hole", black_hole->endpoint(), black_hole.get()},
                                        {"http_503", unavailable->endpoint(), unavailable.get()}};

  // --order a,b,c: run exactly these scenarios in this order (each repetition), for
  // investigating order effects; by default every scenario, rotated each repetition.
  std::vector<const Scenario*> order;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) != "--order") continue;
    const std::string list = argv[i + 1];
    for (std::size_t start = 0; start <= list.size();) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      const std::string name = list.substr(start, comma - start);
      const auto found = std::find_if(scenarios.begin(), scenarios.end(),
                                      [&](const Scenario& s) { return s.name == name; });
      if (found == scenarios.end()) {
        std::fprintf(stderr,
                     "--order: unknown scenario '%s' (healthy, refused, black_hole, http_503)\n",
                     name.c_str());
        return 2;
      }
      order.push_back(&*found);
      start = comma + 1;
    }
  }

  auto tracing = std::make_shared<SwitchableTracing>();
  const std::shared_ptr<otel::TracingBackend> idle = otel::make_sdk_tracing_backend(otel::Tracer{});
  // The consumer prefetches a whole round (librdkafka's default of 100,000 is kept for
  // smaller rounds); see KafkaLoop.
  KafkaLoop loop(broker.broker->bootstrap_servers(), "outage", tracing,
                 std::max<std::uint64_t>(100000, messages + 1));
  if (!loop.warm_up(60s)) {
    std::fprintf(stderr, "warm-up: the consumer group did not start\n");
    return 2;
  }
  // One unrecorded healthy round: pools, allocator arenas and librdkafka's buffers reach their
  // working size before anything is measured (peak RSS is still reported over every round).
  if (!measure(scenarios[0], loop, *tracing, idle, messages, shutdown_timeout)) return 1;

  std::map<std::string, std::vector<Measurement>> results;
  bool ok = true;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    const std::size_t rounds = order.empty() ? scenarios.size() : order.size();
    for (std::size_t i = 0; i < rounds; ++i) {
      const Scenario& scenario =
          order.empty() ? scenarios[(i + static_cast<std::size_t>(repetition)) % scenarios.size()]
                        : *order[i];
      auto m = measure(scenario, loop, *tracing, idle, messages, shutdown_timeout);
      if (!m) return 1;
      print_measurement(scenario.name, repetition, *m);
      results[scenario.name].push_back(*m);
    }
  }

  std::vector<double> healthy_throughputs;
  for (const auto& m : results["healthy"]) healthy_throughputs.push_back(m.throughput);
  const double healthy_median = median(healthy_throughputs);
  Report report("exporter_outage");
  report.add("messages_per_round", messages);
  report.add("repetitions", repetitions);
  for (const Scenario& scenario : scenarios) {
    std::vector<double> throughputs;
    std::uint64_t peak = 0, growth = 0, ended = 0, lost = 0, exported = 0, unaccounted_max = 0;
    double shutdown_max = 0.0;
    bool identity = true, exported_matches = true;
    for (const Measurement& m : results[scenario.name]) {
      throughputs.push_back(m.throughput);
      peak = std::max(peak, m.peak_rss_kib);
      growth = std::max(growth, m.peak_rss_kib - std::min(m.peak_rss_kib, m.rss_before_kib));
      ended += m.stats.spans_ended;
      lost += m.stats.spans_dropped + m.stats.spans_export_failed;
      exported += m.stats.spans_exported;
      unaccounted_max = std::max(unaccounted_max, m.unaccounted_at_shutdown);
      shutdown_max = std::max(shutdown_max, m.shutdown_seconds);
      identity = identity && adds_up(m.stats);
      exported_matches = exported_matches && m.stats.spans_exported == m.receiver_accepted;
    }
    const double ratio = healthy_median > 0 ? median(throughputs) / healthy_median : 0.0;
    const std::string& n = scenario.name;
    report.add(n + ".median_msgs_per_s", median(throughputs), 0);
    report.add(n + ".ratio_to_healthy", ratio);
    report.add(n + ".peak_rss_kib", peak);
    report.add(n + ".max_rss_growth_kib", growth);
    report.add(n + ".spans_ended", ended);
    report.add(n + ".spans_exported", exported);
    report.add(n + ".spans_not_exported", lost);
    report.add(n + ".accounting_identity", identity);
    report.add(n + ".exported_equals_received", exported_matches);
    report.add(n + ".max_unaccounted_at_shutdown_return", unaccounted_max);
    report.add(n + ".max_shutdown_seconds", shutdown_max, 2);
    const bool outage = n != "healthy";
    ok = ok && identity && exported_matches && growth <= max_growth_kib &&
         (!outage || (ratio >= min_ratio && exported == 0));
  }
  report.add("min_ratio_required", min_ratio, 2);
  report.add("max_rss_growth_kib_allowed", max_growth_kib);
  report.add("ok", ok);
  report.print();
  std::fprintf(stderr, "log warnings/errors by component: %s\n", log_tally.summary().c_str());
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace kafkatrace::reliability

int main(int argc, char** argv) {
  return kafkatrace::reliability::run(argc, argv);
}
