// What the produce and consume runs of `kafkatrace bench` share: the CPU clock, the telemetry
// of each mode, and the progress bar.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "bench_internal.h"
#include "cli_telemetry.h"
#include "kafkatrace/exporters/otlp_file.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/periodic_reader.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::cli::bench {
namespace {

otel::Resource bench_resource(const RunConfig& config) {
  std::string name = config.service_name;
  if (name.empty() && !environment_names_service()) name = "kafkatrace-bench";
  otel::Resource resource = otel::Resource::from_environment();
  if (name.empty()) return resource;
  return resource.merge(otel::Resource({{"service.name", otel::AttributeValue(name)}}));
}

}  // namespace

double process_cpu_seconds() noexcept {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double thread_cpu_seconds() noexcept {
  timespec now{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) return 0;
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

void Stopwatch::stop(RunResult& result) const {
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  result.thread_cpu_seconds = thread_cpu_seconds() - thread_cpu;
  stop_cpu(result);
}

void Stopwatch::stop_cpu(RunResult& result) const {
  result.cpu_seconds = process_cpu_seconds() - cpu;
}

Telemetry make_telemetry(Mode mode, const RunConfig& config, bool parent_based) {
  if (mode == Mode::kTracingOff || mode == Mode::kPlainLibrdkafka ||
      mode == Mode::kPlainTraceparent)
    return {otel::make_noop_tracer_provider(), otel::make_noop_meter_provider()};
  const otel::Resource resource = bench_resource(config);
  otel::TracerProviderOptions options;
  options.resource = resource;
  options.disabled = false;
  if (mode == Mode::kTraced100) {
    options.sampler = otel::make_always_on_sampler();
  } else {
    auto ratio = otel::make_trace_id_ratio_sampler(0.01);
    options.sampler =
        parent_based ? otel::make_parent_based_sampler(std::move(ratio)) : std::move(ratio);
  }
  std::unique_ptr<otel::SpanExporter> span_exporter;
  if (!config.traces_file.empty()) {
    span_exporter = exporters::make_otlp_file_exporter({.path = config.traces_file});
  } else {
    exporters::OtlpHttpExporterOptions exporter;
    exporter.endpoint = config.otlp_endpoint;
    span_exporter = exporters::make_otlp_http_exporter(exporter);
  }
  // A queue that absorbs bursts and large batches, unless the OTEL_BSP_* variables say otherwise.
  otel::BatchOptions batch = otel::BatchOptions::from_environment();
  if (std::getenv("OTEL_BSP_MAX_QUEUE_SIZE") == nullptr) batch.max_queue_size = 65536;
  if (std::getenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") == nullptr) batch.max_export_batch_size = 4096;
  if (std::getenv("OTEL_BSP_SCHEDULE_DELAY") == nullptr)
    batch.schedule_delay = std::chrono::milliseconds(200);
  options.processors.push_back(otel::make_batch_processor(std::move(span_exporter), batch));
  otel::MeterProviderOptions meters{.resource = resource, .disabled = false};
  if (!config.metrics_file.empty()) {
    exporters::OtlpFileMetricExporterOptions file;
    file.path = config.metrics_file;
    // No export during the run (the interval outlasts it); the provider's shutdown exports.
    meters.readers.push_back(otel::make_periodic_reader(
        exporters::make_otlp_file_metric_exporter(std::move(file)),
        {.interval = std::chrono::hours(24), .timeout = std::chrono::seconds(10)}));
  }
  return {otel::make_tracer_provider(std::move(options)),
          otel::make_meter_provider(std::move(meters))};
}

Progress::Progress(std::size_t total, bool enabled)
    : total_(std::max<std::size_t>(total, 1)), enabled_(enabled && isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() {
  finish();
}

void Progress::finish() {
  if (enabled_) std::fputs("\r\x1b[K", stderr);
  enabled_ = false;
}

void Progress::begin(std::string label) {
  label_ = std::move(label);
  current_ = 0;
  draw(true);
}

void Progress::update(std::size_t done) {
  current_ = done;
  draw(false);
}

void Progress::end(std::size_t units, const std::string& line) {
  finished_ += units;
  current_ = 0;
  if (enabled_) std::fputs("\r\x1b[K", stderr);
  if (!line.empty()) std::fprintf(stderr, "%s\n", line.c_str());
  draw(true);
}

void Progress::draw(bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double fraction =
      std::min(1.0, static_cast<double>(finished_ + current_) / static_cast<double>(total_));
  const int filled = static_cast<int>(fraction * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  std::fprintf(stderr, "\r\x1b[K[%s] %3d%%  %s", bar, static_cast<int>(fraction * 100),
               label_.c_str());
  std::fflush(stderr);
}

}  // namespace kafkatrace::cli::bench
