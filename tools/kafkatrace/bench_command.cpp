// `kafkatrace bench`: produce throughput and CPU per message of a plain librdkafka loop and of
// TracedProducer with tracing off, at 100% and at 1% sampling, in alternating rounds; plus
// send_batch against a seed-style serial send. Prints a table and one JSON line on stdout.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench_internal.h"
#include "commands.h"

namespace kafkatrace::cli {
namespace {

using bench::Mode;
using bench::RunResult;

constexpr std::string_view kHelp =
    "usage: kafkatrace bench [-b BOOTSTRAP] [-n COUNT] [-s SIZE] [-r ROUNDS] [--serial N]\n"
    "\n"
    "Produce benchmark. Without -b, starts `kafkatrace broker` as a child process (the broker\n"
    "must not share the benchmark's CPU accounting) and uses it. Each round runs, in order: a\n"
    "plain librdkafka loop, TracedProducer with tracing off (what OTEL_SDK_DISABLED=true gives),\n"
    "with 100% sampling and with 1% sampling, both exporting OTLP/HTTP protobuf to a built-in\n"
    "local receiver that discards what it gets. Same settings everywhere: idempotent, acks=all,\n"
    "lz4, linger.ms=5, 2 headers. Medians over the rounds are reported.\n"
    "\n"
    "  -b BOOTSTRAP   use this cluster instead of a child broker\n"
    "  -n COUNT       records per run (default 300000)\n"
    "  -s SIZE        value size in bytes (default 100)\n"
    "  -r ROUNDS      rounds (default 3)\n"
    "  --serial N     records of the batch-vs-serial comparison (default 2000)\n";

struct ChildBroker {
  pid_t pid = -1;
  std::string bootstrap;
  ~ChildBroker() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }
};

bool start_child_broker(ChildBroker& child) {
  int out[2];
  if (pipe(out) != 0) return false;
  child.pid = fork();
  if (child.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl("/proc/self/exe", "kafkatrace", "broker", "--brokers", "1", static_cast<char*>(nullptr));
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

bool parse_count(std::string_view text, std::size_t& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && value > 0;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Summary {
  double msgs_per_second = 0;
  double cpu_us_per_message = 0;
  std::uint64_t spans_exported = 0, spans_dropped = 0, failed = 0;
};

Summary summarize(const std::vector<RunResult>& runs, std::size_t count) {
  std::vector<double> rates, cpu;
  Summary summary;
  for (const RunResult& run : runs) {
    rates.push_back(static_cast<double>(count) / run.seconds);
    cpu.push_back(run.cpu_seconds * 1e6 / static_cast<double>(count));
    summary.spans_exported += run.spans_exported;
    summary.spans_dropped += run.spans_dropped;
    summary.failed += run.failed;
  }
  summary.msgs_per_second = median(rates);
  summary.cpu_us_per_message = median(cpu);
  return summary;
}

}  // namespace

int run_bench(std::span<const std::string_view> args) {
  bench::RunConfig config{.count = 300000, .size = 100};
  std::size_t rounds = 3, serial = 2000;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kHelp.data(), stdout);
      return kExitOk;
    }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "kafkatrace bench: %.*s needs a value\n%s",
                   static_cast<int>(flag.size()), flag.data(), kHelp.data());
      return kExitUsage;
    }
    const std::string_view value = args[++i];
    bool ok = true;
    if (flag == "-b")
      config.bootstrap = value;
    else if (flag == "-n")
      ok = parse_count(value, config.count);
    else if (flag == "-s")
      ok = parse_count(value, config.size);
    else if (flag == "-r")
      ok = parse_count(value, rounds);
    else if (flag == "--serial")
      ok = parse_count(value, serial);
    else
      ok = false;
    if (!ok) {
      std::fprintf(stderr, "kafkatrace bench: bad option %.*s %.*s\n%s",
                   static_cast<int>(flag.size()), flag.data(), static_cast<int>(value.size()),
                   value.data(), kHelp.data());
      return kExitUsage;
    }
  }
  ChildBroker child;
  if (config.bootstrap.empty()) {
    if (!start_child_broker(child)) {
      std::fputs("kafkatrace bench: cannot start `kafkatrace broker`\n", stderr);
      return kExitFailure;
    }
    config.bootstrap = child.bootstrap;
  }
  bench::DiscardingHttpSink sink;
  if (!sink.ok()) {
    std::fputs("kafkatrace bench: cannot open the local OTLP receiver\n", stderr);
    return kExitFailure;
  }
  config.otlp_endpoint = "http://127.0.0.1:" + std::to_string(sink.port()) + "/v1/traces";
  config.topic = "kafkatrace-bench-" + std::to_string(getpid());

  const Mode modes[] = {Mode::kPlainLibrdkafka, Mode::kTracingOff, Mode::kTraced100,
                        Mode::kTraced1};
  std::map<Mode, std::vector<RunResult>> runs;
  for (std::size_t round = 0; round < rounds; ++round) {
    for (Mode mode : modes) {
      RunResult result = bench::run_produce(mode, config);
      if (!result.error.empty()) {
        std::fprintf(stderr, "kafkatrace bench: %s: %s\n", bench::mode_name(mode),
                     result.error.c_str());
        return kExitFailure;
      }
      std::fprintf(stderr, "round %zu %-10s %8.0f msgs/s %6.2f us cpu/msg\n", round + 1,
                   bench::mode_name(mode), static_cast<double>(config.count) / result.seconds,
                   result.cpu_seconds * 1e6 / static_cast<double>(config.count));
      runs[mode].push_back(std::move(result));
    }
  }
  bench::RunConfig small = config;
  small.count = serial;
  const RunResult serial_run = bench::run_serial(small);
  const RunResult batch_run = bench::run_batch(small);

  std::map<Mode, Summary> summary;
  for (Mode mode : modes) summary[mode] = summarize(runs[mode], config.count);
  const Summary& off = summary[Mode::kTracingOff];
  std::printf("%-12s %12s %10s %14s %12s %14s %13s\n", "run", "msgs/s", "vs off", "cpu us/msg",
              "added cpu", "spans exported", "spans dropped");
  for (Mode mode : modes) {
    const Summary& s = summary[mode];
    std::printf("%-12s %12.0f %9.3fx %14.3f %12.3f %14llu %13llu\n", bench::mode_name(mode),
                s.msgs_per_second, s.msgs_per_second / off.msgs_per_second, s.cpu_us_per_message,
                s.cpu_us_per_message - off.cpu_us_per_message,
                static_cast<unsigned long long>(s.spans_exported),
                static_cast<unsigned long long>(s.spans_dropped));
  }
  const double serial_rate = static_cast<double>(serial) / serial_run.seconds;
  const double batch_rate = static_cast<double>(serial) / batch_run.seconds;
  std::printf("serial send (send, wait, send...) %zu records: %.0f msgs/s\n", serial, serial_rate);
  std::printf("send_batch                        %zu records: %.0f msgs/s (%.1fx)\n", serial,
              batch_rate, batch_rate / serial_rate);
  std::printf(
      "{\"bench\":\"produce\",\"count\":%zu,\"size\":%zu,\"rounds\":%zu,\"otlp_requests\":%llu",
      config.count, config.size, rounds, static_cast<unsigned long long>(sink.requests()));
  for (Mode mode : modes) {
    const Summary& s = summary[mode];
    std::printf(
        ",\"%s\":{\"msgs_per_s\":%.0f,\"ratio_vs_off\":%.4f,\"cpu_us_per_msg\":%.4f,"
        "\"spans_exported\":%llu,\"spans_dropped\":%llu,\"failed\":%llu}",
        bench::mode_name(mode), s.msgs_per_second, s.msgs_per_second / off.msgs_per_second,
        s.cpu_us_per_message, static_cast<unsigned long long>(s.spans_exported),
        static_cast<unsigned long long>(s.spans_dropped),
        static_cast<unsigned long long>(s.failed));
  }
  std::printf(",\"serial_msgs_per_s\":%.0f,\"batch_msgs_per_s\":%.0f}\n", serial_rate, batch_rate);
  return kExitOk;
}

}  // namespace kafkatrace::cli
