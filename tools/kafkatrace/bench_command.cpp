// `kafkatrace bench`: produce and consume throughput and CPU per message of plain librdkafka and
// of TracedProducer / TracedConsumer with tracing off, at 100% and at 1% sampling, in
// alternating rounds on one broker; plus send_batch against a seed-style serial send. Prints
// tables and one JSON line on stdout, progress on stderr.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench_internal.h"
#include "cli_args.h"
#include "cli_telemetry.h"
#include "commands.h"
#include "kafkatrace/log.h"

namespace kafkatrace::cli {
namespace {

using bench::Mode;
using bench::RunResult;

constexpr std::string_view kCommand = "bench";
constexpr std::string_view kHelp =
    "usage: kafkatrace bench [-b BOOTSTRAP] [-n COUNT] [-s SIZE] [-r ROUNDS] [--serial N]\n"
    "                        [--only produce|consume] [--modes LIST] [--service-name NAME]\n"
    "                        [--otlp-endpoint URL] [--traces-file PATH] [--metrics-file PATH]\n"
    "\n"
    "Measures what tracing costs Kafka clients. Without -b, starts `kafkatrace broker` as a\n"
    "child process (so that the broker's CPU is not counted) and uses it. Each round runs, in\n"
    "order (reversed in every other round):\n"
    "  produce: a plain librdkafka loop, TracedProducer with tracing off (what\n"
    "           OTEL_SDK_DISABLED=true gives), at 100% and at 1% sampling (idempotent,\n"
    "           acks=all, lz4, linger.ms=5, 2 headers; waits for every delivery report);\n"
    "  consume: a plain librdkafka consumer loop, TracedConsumer::run with a no-op handler with\n"
    "           tracing off, at 100% and at 1% sampling, each in a new group reading COUNT\n"
    "           records that carry a sampled traceparent (written once before the first round,\n"
    "           spread evenly over the partitions); every consumer prefetches without limit\n"
    "           (queued.min.messages, queued.max.messages.kbytes), so that librdkafka's 1 s fetch\n"
    "           pause does not set the pace, with fetch.wait.max.ms=10; timed from the first\n"
    "           record to the last.\n"
    "Traced runs record the messaging metrics and export spans as OTLP/HTTP protobuf to a\n"
    "built-in local receiver (its own process) that discards them, through a batch processor\n"
    "with a queue of 65536 spans, batches of 4096 and a 200 ms delay (OTEL_BSP_MAX_QUEUE_SIZE,\n"
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE and OTEL_BSP_SCHEDULE_DELAY override them). CPU is\n"
    "user+sys of this process, up to when every span of the run has been exported (time stops\n"
    "at the last record). Thread CPU is the sending (produce) or handling (consume) thread's\n"
    "alone, first record to last: what tracing adds to the loop itself, without librdkafka's\n"
    "threads. Ratios and added CPU are taken per round against the\n"
    "tracing-off run of the same round; medians over the rounds are reported, and for each\n"
    "traced mode the geometric mean of its ratios and its mean added thread CPU, with 95%\n"
    "confidence intervals (many rounds narrow them). Progress goes to\n"
    "stderr (a bar on a terminal); the tables and one JSON line go to stdout.\n"
    "\n"
    "options:\n"
    "  -b, --bootstrap BOOTSTRAP  use this cluster instead of a child broker\n"
    "  -n, --count COUNT          records per run (default 300000)\n"
    "  -s, --size SIZE            value size in bytes (default 100)\n"
    "  -r, --rounds ROUNDS        rounds (default 3)\n"
    "  --serial N                 records of the batch-vs-serial comparison (default 2000; 0: "
    "skip)\n"
    "  --only produce|consume     run only one half\n"
    "  --modes LIST               run only these of librdkafka, traced_off, traced_100,\n"
    "                             traced_1 (comma-separated; for profiling one path), or add\n"
    "                             librdkafka_traceparent: the plain loops with a W3C\n"
    "                             traceparent header (produce writes one with fresh ids on\n"
    "                             every record, consume reads it); with librdkafka beside it\n"
    "                             the report adds the cost of propagation alone\n"
    "  --service-name NAME        service.name of the traced runs (default: OTEL_SERVICE_NAME or\n"
    "                             service.name in OTEL_RESOURCE_ATTRIBUTES, else\n"
    "                             kafkatrace-bench)\n"
    "  --otlp-endpoint URL        export the traced runs' spans to URL/v1/traces (e.g. a local\n"
    "                             Collector at http://127.0.0.1:4318) instead of the built-in\n"
    "                             receiver\n"
    "  --traces-file PATH         append the traced runs' spans to PATH as OTLP/JSON lines\n"
    "                             instead (measures file export; files grow by COUNT spans a run)\n"
    "  --metrics-file PATH        append the traced runs' messaging metrics to PATH as OTLP/JSON\n"
    "                             lines (exported when each run ends)\n"
    "  -h, --help                 show this help\n"
    "\n"
    "Exit codes: 0 done, 1 a run failed (broker, receiver, Kafka errors), 2 usage error.\n";

struct ChildBroker {
  pid_t pid = -1;
  std::string bootstrap;
  ~ChildBroker() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }
};

// `kafkatrace broker` with the consume topic created with `partitions` partitions.
bool start_child_broker(ChildBroker& child, const std::string& topic, int partitions) {
  const std::string partition_text = std::to_string(partitions);
  int out[2];
  if (pipe(out) != 0) return false;
  child.pid = fork();
  if (child.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl("/proc/self/exe", "kafkatrace", "broker", "--brokers", "1", "--topic", topic.c_str(),
          "--partitions", partition_text.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  if (child.pid < 0) return false;
  FILE* stream = fdopen(out[0], "r");
  char line[1024] = "";
  const bool got = stream != nullptr && std::fgets(line, sizeof line, stream) != nullptr;
  if (stream != nullptr) std::fclose(stream);
  child.bootstrap = line;
  while (!child.bootstrap.empty() &&
         std::isspace(static_cast<unsigned char>(child.bootstrap.back())))
    child.bootstrap.pop_back();
  return got && !child.bootstrap.empty();
}

struct Plan {
  bench::RunConfig config{.count = 300000, .size = 100};
  std::size_t rounds = 3;
  std::size_t serial = 2000;
  bool produce = true;
  bool consume = true;
  std::vector<Mode> modes{Mode::kPlainLibrdkafka, Mode::kTracingOff, Mode::kTraced100,
                          Mode::kTraced1};
};

// "traced_off,traced_100" -> those modes; false on an unknown name.
bool parse_modes(std::string_view list, std::vector<Mode>& modes) {
  modes.clear();
  while (!list.empty()) {
    const std::string_view name = list.substr(0, list.find(','));
    list.remove_prefix(std::min(list.size(), name.size() + 1));
    bool known = false;
    for (Mode mode : bench::kAllModes) {
      if (name != bench::mode_name(mode)) continue;
      known = true;
      if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
    }
    if (!known) return false;
  }
  return !modes.empty();
}

// Parses the flags into `plan`; nullopt to go on, else the exit code.
std::optional<int> parse(std::span<const std::string_view> args, Plan& plan) {
  ArgReader reader(args);
  TelemetryFlags telemetry;
  while (reader.next()) {
    if (reader.is("-h", "--help")) {
      std::fputs(kHelp.data(), stdout);
      return kExitOk;
    }
    if (parse_telemetry_flag(reader, telemetry)) continue;
    if (reader.is("-b", "--bootstrap")) {
      plan.config.bootstrap = reader.value();
    } else if (reader.is("-n", "--count")) {
      plan.config.count = static_cast<std::size_t>(reader.number(1, 100'000'000).value_or(1));
    } else if (reader.is("-s", "--size")) {
      plan.config.size = static_cast<std::size_t>(reader.number(0, 1'000'000).value_or(0));
    } else if (reader.is("-r", "--rounds")) {
      plan.rounds = static_cast<std::size_t>(reader.number(1, 100).value_or(1));
    } else if (reader.is("", "--serial")) {
      plan.serial = static_cast<std::size_t>(reader.number(0, 1'000'000).value_or(0));
    } else if (reader.is("", "--modes")) {
      if (!parse_modes(reader.value(), plan.modes) && !reader.failed())
        reader.fail(
            "--modes takes a comma-separated list of librdkafka, librdkafka_traceparent, "
            "traced_off, traced_100, traced_1");
    } else if (reader.is("", "--only")) {
      const std::string_view half = reader.value();
      if (half != "produce" && half != "consume" && !reader.failed())
        reader.fail("--only takes 'produce' or 'consume'");
      plan.produce = half == "produce";
      plan.consume = half == "consume";
    } else {
      reader.unknown();
    }
  }
  if (!reader.failed() && !telemetry.traces_file.empty() && !telemetry.otlp_endpoint.empty())
    reader.fail("--traces-file and --otlp-endpoint exclude each other (one span destination)");
  if (reader.failed()) return usage_error(kCommand, reader.error());
  plan.config.service_name = telemetry.service_name;
  plan.config.traces_file = telemetry.traces_file;
  plan.config.metrics_file = telemetry.metrics_file;
  if (!telemetry.otlp_endpoint.empty()) {
    std::string base = telemetry.otlp_endpoint;
    while (!base.empty() && base.back() == '/') base.pop_back();
    plan.config.otlp_endpoint = base + "/v1/traces";
  }
  return std::nullopt;
}

// Runs each mode of `order` once for one half of one round (reversed on odd rounds); false
// (after printing why) on failure.
template <class Run>
bool run_round(const char* what, std::vector<Mode> order, std::size_t round, const Plan& plan,
               bench::Progress& progress, std::map<Mode, std::vector<RunResult>>& results,
               Run&& run) {
  if (round % 2 == 1) std::reverse(order.begin(), order.end());
  for (Mode mode : order) {
    progress.begin(std::string(what) + " " + bench::mode_name(mode) + ", round " +
                   std::to_string(round + 1) + "/" + std::to_string(plan.rounds));
    RunResult result = run(mode);
    if (!result.error.empty()) {
      progress.finish();
      std::fprintf(stderr, "kafkatrace bench: %s %s: %s\n", what, bench::mode_name(mode),
                   result.error.c_str());
      return false;
    }
    progress.end(plan.config.count, bench::describe_run(what, mode, round + 1, plan.rounds,
                                                        plan.config.count, result));
    results[mode].push_back(std::move(result));
  }
  return true;
}

}  // namespace

int run_bench(std::span<const std::string_view> args) {
  Plan plan;
  if (const std::optional<int> done = parse(args, plan)) return *done;
  // The consumers' assignment and revocation lines would drown the progress.
  if (log_level() == LogLevel::kInfo) set_log_level(LogLevel::kWarning);
  bench::RunConfig& config = plan.config;
  const std::string suffix = std::to_string(getpid());
  config.topic = "kafkatrace-bench-" + suffix;
  config.consume_topic = "kafkatrace-bench-consume-" + suffix;

  // First, while this process has no threads: the receiver is forked from it.
  std::optional<bench::DiscardingHttpSink> sink;
  if (config.otlp_endpoint.empty() && config.traces_file.empty()) {
    sink.emplace();
    if (!sink->ok()) {
      std::fputs("kafkatrace bench: cannot start the local OTLP receiver\n", stderr);
      return kExitFailure;
    }
    config.otlp_endpoint = "http://127.0.0.1:" + std::to_string(sink->port()) + "/v1/traces";
  }
  ChildBroker child;
  if (config.bootstrap.empty()) {
    // librdkafka 2.0's mock cluster keeps at most 5 MB per partition: spread the consume topic.
    const int partitions = static_cast<int>(std::clamp<std::size_t>(config.count / 30000, 4, 256));
    if (!start_child_broker(child, config.consume_topic, partitions)) {
      std::fputs("kafkatrace bench: cannot start `kafkatrace broker`\n", stderr);
      return kExitFailure;
    }
    config.bootstrap = child.bootstrap;
  }

  const std::vector<Mode> produce_modes = plan.produce ? plan.modes : std::vector<Mode>{};
  const std::vector<Mode> consume_runs = plan.consume ? plan.modes : std::vector<Mode>{};
  const std::size_t runs_per_round = produce_modes.size() + consume_runs.size();
  bench::Progress progress(plan.rounds * runs_per_round * config.count +
                               (plan.consume ? config.count : 0) +
                               (plan.produce ? 2 * plan.serial : 0),
                           true);
  config.progress = &progress;
  bench::Measurements measured{.count = config.count, .size = config.size, .rounds = plan.rounds};
  if (plan.consume) {
    progress.begin("writing the records to consume");
    if (const std::string error = bench::fill_consume_topic(config); !error.empty()) {
      progress.finish();
      std::fprintf(stderr, "kafkatrace bench: filling %s: %s\n", config.consume_topic.c_str(),
                   error.c_str());
      return kExitFailure;
    }
    progress.end(config.count, {});
  }
  std::size_t group = 0;
  for (std::size_t round = 0; round < plan.rounds; ++round) {
    if (plan.produce &&
        !run_round("produce", produce_modes, round, plan, progress, measured.produce,
                   [&](Mode mode) { return bench::run_produce(mode, config); }))
      return kExitFailure;
    if (plan.consume &&
        !run_round(
            "consume", consume_runs, round, plan, progress, measured.consume, [&](Mode mode) {
              return bench::run_consume(
                  mode, config, "kafkatrace-bench-" + suffix + "-" + std::to_string(group++));
            }))
      return kExitFailure;
  }
  if (plan.produce && plan.serial > 0) {
    bench::RunConfig small = config;
    small.count = plan.serial;
    small.progress = nullptr;
    progress.begin("serial send vs send_batch");
    measured.serial_count = plan.serial;
    measured.serial = bench::run_serial(small);
    measured.batch = bench::run_batch(small);
    progress.end(2 * plan.serial, {});
    for (const RunResult* run : {&*measured.serial, &*measured.batch}) {
      if (run->error.empty()) continue;
      progress.finish();
      std::fprintf(stderr, "kafkatrace bench: serial/batch comparison: %s\n", run->error.c_str());
      return kExitFailure;
    }
  }
  if (sink) {
    measured.otlp_requests = sink->requests();
    measured.otlp_bytes = sink->bytes();
  }
  progress.finish();
  bench::print_report(measured);
  std::size_t failed = 0;
  for (const auto* half : {&measured.produce, &measured.consume})
    for (const auto& [mode, runs] : *half)
      for (const RunResult& run : runs) failed += run.failed;
  if (failed > 0) {
    std::fprintf(stderr, "kafkatrace bench: %zu records failed (see \"failed\" in the JSON)\n",
                 failed);
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace kafkatrace::cli
