// Pieces of `kafkatrace bench` (bench_command.cpp): the produce runs (bench_produce.cpp), the
// consume runs (bench_consume.cpp), what they share (bench_support.cpp: CPU clock, librdkafka
// settings, tracer and meter providers, progress bar) and the local OTLP/HTTP receiver that
// accepts and discards every POST (bench_sink.cpp).
//
// Threads: everything here runs on the command's main thread except the receiver (its own
// process) and the librdkafka / batch-processor threads the runs start and join.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kafkatrace::otel {
class TracerProvider;
class MeterProvider;
}  // namespace kafkatrace::otel

namespace kafkatrace::cli::bench {

class Progress;

struct RunConfig {
  std::string bootstrap{};
  std::string topic{};          // produce runs write here
  std::string consume_topic{};  // filled once by fill_consume_topic, read by every consume run
  std::size_t count = 0;
  std::size_t size = 100;
  std::string otlp_endpoint{};  // http://HOST:PORT/v1/traces
  std::string traces_file{};    // when set: spans go to this OTLP/JSON lines file instead
  std::string metrics_file{};   // when set: the traced runs' metrics are appended here
  std::string service_name{};   // service.name of the traced runs' resource
  Progress* progress = nullptr;
};

// kPlainTraceparent: the plain librdkafka loops with a W3C traceparent: produce adds it to every
// record as a third header (fresh random ids each, as a tracing producer writes), consume reads
// it from every record. The cost of propagation alone; not in the default set.
enum class Mode { kPlainLibrdkafka, kPlainTraceparent, kTracingOff, kTraced100, kTraced1 };
inline constexpr Mode kAllModes[] = {Mode::kPlainLibrdkafka, Mode::kPlainTraceparent,
                                     Mode::kTracingOff, Mode::kTraced100, Mode::kTraced1};
const char* mode_name(Mode mode);

struct RunResult {
  double seconds = 0;
  double cpu_seconds = 0;  // user + sys of the whole process during the run
  // CPU of the thread that sends (produce) or hands records to the handler (consume), from the
  // first record to the last: the tracing's own cost, without librdkafka's threads or the broker.
  double thread_cpu_seconds = 0;
  std::size_t delivered = 0;  // produce: acknowledged; consume: handed to the handler
  std::size_t failed = 0;
  std::uint64_t spans_exported = 0;
  std::uint64_t spans_dropped = 0;
  std::string error{};  // set when the run could not happen
};

// Pipelined produce of `count` records (2 headers, `size`-byte values), waiting for every
// delivery report. Same librdkafka configuration in every mode.
RunResult run_produce(Mode mode, const RunConfig& config);

// Seed-style serial send (send, wait, send...) or one send_batch, TracedProducer, tracing off.
RunResult run_serial(const RunConfig& config);
RunResult run_batch(const RunConfig& config);

// Writes `count` records to consume_topic with a plain librdkafka producer: `size`-byte values,
// the two bench headers and a sampled W3C traceparent with a random trace id (what a traced
// producer at 100% writes). Empty on success, else why not.
std::string fill_consume_topic(const RunConfig& config);

// Consumes `count` records of consume_topic from the start in a new consumer group `group` with
// a no-op handler: a plain librdkafka loop, or TracedConsumer::run with tracing off / at 100% /
// at 1%. Timed from the first record to the last (the group join is left out).
RunResult run_consume(Mode mode, const RunConfig& config, const std::string& group);

// --- bench_report.cpp ---

// Everything one `kafkatrace bench` measured. Runs of a mode are in round order, so that round i
// of a traced mode is compared with round i of kTracingOff (measured right before or after it).
struct Measurements {
  std::size_t count = 0;
  std::size_t size = 0;
  std::size_t rounds = 0;
  std::map<Mode, std::vector<RunResult>> produce{};
  std::map<Mode, std::vector<RunResult>> consume{};
  std::size_t serial_count = 0;
  std::optional<RunResult> serial{};
  std::optional<RunResult> batch{};
  std::uint64_t otlp_requests = 0;
  std::uint64_t otlp_bytes = 0;
};

// The tables (stdout), then one JSON line (stdout).
void print_report(const Measurements& measurements);

// One line for stderr after a run ("consume traced_100  round 2/3  123456 msgs/s ...").
std::string describe_run(const char* what, Mode mode, std::size_t round, std::size_t rounds,
                         std::size_t count, const RunResult& result);

// --- bench_support.cpp ---

// User + system CPU time of the whole process, in seconds.
double process_cpu_seconds() noexcept;
// CPU time of the calling thread, in seconds.
double thread_cpu_seconds() noexcept;

// Starts at construction; stop() fills seconds, cpu_seconds and thread_cpu_seconds of a
// RunResult (construct and stop it on the thread that runs the loop). A traced run calls
// stop_cpu() again once its tracer provider has exported every span of the run, so that its
// process CPU covers the export of the spans still queued when the last record was handled.
struct Stopwatch {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = process_cpu_seconds();
  double thread_cpu = thread_cpu_seconds();
  void stop(RunResult& result) const;
  void stop_cpu(RunResult& result) const;
};

// The tracer and meter providers of a mode: no-op for kTracingOff (what OTEL_SDK_DISABLED=true
// gives); otherwise an SDK tracer provider (always_on, or parentbased_traceidratio 0.01 — the
// consume runs pass `parent_based` false, see bench_consume.cpp) exporting OTLP/HTTP protobuf to
// config.otlp_endpoint (or to config.traces_file) through a batch processor, and an SDK meter
// provider whose reader (only with config.metrics_file) exports when the provider is destroyed:
// recording costs the same, nothing is exported during the run.
struct Telemetry {
  std::shared_ptr<otel::TracerProvider> tracer_provider;
  std::shared_ptr<otel::MeterProvider> meter_provider;
};
Telemetry make_telemetry(Mode mode, const RunConfig& config, bool parent_based = true);

// A progress bar on stderr, drawn only when stderr is a terminal; redrawn at most 10 times a
// second. advance() is cheap enough for a hot loop when called every few hundred records.
class Progress {
 public:
  Progress(std::size_t total, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The run now in progress ("produce traced_100, round 2/3").
  void begin(std::string label);
  // `done` units of the current run are finished (absolute within the run).
  void update(std::size_t done);
  // The run is over: its units count as done; `line` (if any) is printed above the bar.
  void end(std::size_t units, const std::string& line);
  // Clears the bar for good (before the results are printed, or an error).
  void finish();

 private:
  void draw(bool force);
  std::size_t total_;
  bool enabled_;
  std::size_t finished_ = 0;  // units of the runs already ended
  std::size_t current_ = 0;   // units of the current run
  std::string label_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// Accepts HTTP/1.1 POSTs on 127.0.0.1 (ephemeral port), reads and discards each body, answers
// 200 with an empty body. Runs in a child process (forked at construction, so construct it
// before starting threads), so that its CPU time is not counted as the library's; the child is
// stopped in the destructor and dies with the parent.
class DiscardingHttpSink {
 public:
  DiscardingHttpSink();
  ~DiscardingHttpSink();
  DiscardingHttpSink(const DiscardingHttpSink&) = delete;
  DiscardingHttpSink& operator=(const DiscardingHttpSink&) = delete;

  bool ok() const noexcept;
  int port() const noexcept;
  std::uint64_t requests() const noexcept;
  std::uint64_t bytes() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kafkatrace::cli::bench
